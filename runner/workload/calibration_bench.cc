#include "runner/workload/calibration_bench.h"

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <sstream>
#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "re2/re2.h"
#include "runner/workload/workload.h"

namespace chunkstore_bench {
namespace {

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

double Median(std::vector<double> values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const size_t n = values.size();
  return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

// One chunkstore child with its own database and stderr file.
class Child {
 public:
  ~Child() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      waitpid(pid_, nullptr, 0);
    }
    std::error_code ignored;
    if (!dir_.empty()) std::filesystem::remove_all(dir_, ignored);
  }

  absl::Status Start(const std::string& binary,
                     const std::vector<std::string>& flags) {
    const char* tmp = getenv("TEST_TMPDIR");
    std::string dir =
        absl::StrCat(tmp != nullptr ? tmp : "/tmp", "/calibration-XXXXXX");
    if (mkdtemp(dir.data()) == nullptr) {
      return absl::InternalError("mkdtemp failed");
    }
    dir_ = dir;
    log_ = dir + "/stderr.log";
    std::vector<std::string> argv = {binary, "--port=0",
                                     "--data_dir=" + dir + "/data",
                                     "--shared_secret=s", "--debug_endpoints"};
    argv.insert(argv.end(), flags.begin(), flags.end());
    pid_ = fork();
    if (pid_ == 0) {
      int fd = open(log_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      dup2(fd, 2);
      std::vector<char*> cargv;
      for (auto& a : argv) cargv.push_back(a.data());
      cargv.push_back(nullptr);
      execv(binary.c_str(), cargv.data());
      _exit(127);
    }
    for (int i = 0; i < 400; ++i) {
      if (RE2::PartialMatch(ReadAll(log_), R"(listening on 0\.0\.0\.0:(\d+))",
                            &port_)) {
        return absl::OkStatus();
      }
      int status;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = 0;
        return absl::InternalError(
            absl::StrCat("chunkstore exited: ", ReadAll(log_)));
      }
      absl::SleepFor(absl::Milliseconds(25));
    }
    return absl::DeadlineExceededError("chunkstore did not start listening");
  }

  int port() const { return port_; }

 private:
  pid_t pid_ = 0;
  int port_ = 0;
  std::string dir_;  // removed at the end
  std::string log_;
};

}  // namespace

std::string CalibrationCase::Name() const {
  return absl::StrCat(
      kind == perfcell::Workload::UPLOAD ? "upload" : "download", " ",
      bytes >> 20, " MiB");
}

std::string CalibrationReport::Table(const CalibrationPlan& plan) const {
  std::string out = absl::StrFormat("%-18s", "case \\ N");
  for (double p : plan.percents) absl::StrAppendFormat(&out, " %14g", p);
  out += "\n";
  for (size_t c = 0; c < ratios.size(); ++c) {
    absl::StrAppendFormat(&out, "%-18s", plan.cases[c].Name());
    for (size_t s = 0; s < ratios[c].size(); ++s) {
      absl::StrAppendFormat(&out, " %+6.1f%% %5.1fms", (ratios[c][s] - 1) * 100,
                            seconds[c][s] * 1000);
    }
    out += "\n";
  }
  return out;
}

namespace {

// Makes the timed requests of several concurrent RunWorkload() calls take
// turns, one request at a time, in the order `order` (thread numbers): each
// thread calls Turn() from its on_iteration callback, which runs after an
// iteration (and, for uploads, the server reset that follows it) and before
// the next. The warm-up iteration, the untimed upload of a download
// workload and the final reset run concurrently; no timed request does.
class TurnTaking {
 public:
  TurnTaking(size_t threads, std::vector<size_t> order)
      : threads_(threads), order_(std::move(order)) {}

  void Turn(size_t thread, bool warmup) {
    absl::MutexLock lock(&mu_);
    if (warmup) {
      ++warmed_up_;
    } else {
      ++next_;  // this thread's timed request is done
    }
    Advance();
    // Everyone warmed up, and this thread's turn or the end.
    while (warmed_up_ < threads_ ||
           (next_ < order_.size() && order_[next_] != thread)) {
      cv_.Wait(&mu_);
    }
  }

  // The thread's workload ended (failed early, say): its turns are skipped.
  void Leave(size_t thread, bool warmed_up) {
    absl::MutexLock lock(&mu_);
    if (!warmed_up) ++warmed_up_;
    gone_.push_back(thread);
    Advance();
  }

 private:
  void Advance() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    while (next_ < order_.size() &&
           std::count(gone_.begin(), gone_.end(), order_[next_]) > 0) {
      ++next_;
    }
    cv_.SignalAll();
  }

 private:
  absl::Mutex mu_;
  absl::CondVar cv_;
  const size_t threads_;
  const std::vector<size_t> order_;
  size_t warmed_up_ ABSL_GUARDED_BY(mu_) = 0;
  size_t next_ ABSL_GUARDED_BY(mu_) = 0;
  std::vector<size_t> gone_ ABSL_GUARDED_BY(mu_);
};

}  // namespace

namespace {

// Runs `rounds` timed requests of case `c` on every server, the servers
// taking turns; returns [server][round] seconds.
absl::StatusOr<std::vector<std::vector<double>>> RunCase(
    const CalibrationPlan& plan, size_t c, int rounds, uint32_t seed,
    const std::vector<std::unique_ptr<Child>>& children) {
  const size_t servers = children.size();
  // Every round runs every server once, in a shuffled order: no server
  // always follows the same one.
  std::vector<size_t> order;
  std::mt19937 random(seed);
  for (int r = 0; r < rounds; ++r) {
    std::vector<size_t> round(servers);
    for (size_t k = 0; k < servers; ++k) round[k] = k;
    std::shuffle(round.begin(), round.end(), random);
    order.insert(order.end(), round.begin(), round.end());
  }
  TurnTaking turns(servers, order);
  std::vector<std::vector<double>> seconds(servers);
  std::vector<absl::Status> statuses(servers);
  std::vector<std::thread> threads;
  for (size_t s = 0; s < servers; ++s) {
    threads.emplace_back([&, s] {
      perfcell::WorkloadRun run;
      run.base_url = absl::StrCat("http://127.0.0.1:", children[s]->port());
      run.api_profile = "chunkstore";
      run.shared_secret = "s";
      run.branch = absl::StrCat("N=", plan.percents[s]);
      run.request_timeout = absl::Seconds(60);
      run.workload.set_kind(plan.cases[c].kind);
      run.workload.set_bytes_per_request(plan.cases[c].bytes);
      run.workload.set_iterations(rounds);
      run.workload.set_warmup_iterations(1);
      run.workload.set_seed(1234 + c);
      bool warmed_up = false;
      run.on_iteration = [&, s](const perfcell::Iteration& it) {
        if (!it.warmup()) seconds[s].push_back(it.seconds());
        warmed_up = true;
        turns.Turn(s, it.warmup());
      };
      perfcell::WorkloadResult result;
      statuses[s] = perfcell::RunWorkload(run, &result);
      turns.Leave(s, warmed_up);
    });
  }
  for (std::thread& t : threads) t.join();
  for (const absl::Status& s : statuses) {
    if (!s.ok()) return s;
  }
  return seconds;
}

}  // namespace

absl::StatusOr<CalibrationReport> RunCalibration(const CalibrationPlan& plan) {
  const size_t servers = plan.percents.size();
  const size_t cases = plan.cases.size();
  const int blocks = std::max(1, plan.blocks);
  // [case][server]: every request's seconds, and each block's median.
  std::vector<std::vector<std::vector<double>>> all(
      cases, std::vector<std::vector<double>>(servers));
  std::vector<std::vector<std::vector<double>>> block_medians = all;
  for (int b = 0; b < blocks; ++b) {
    // Fresh processes (and databases) every block: whatever makes one
    // process faster than another (where its threads and memory landed)
    // varies from block to block instead of biasing a whole run.
    std::vector<std::unique_ptr<Child>> children;
    for (double percent : plan.percents) {
      auto child = std::make_unique<Child>();
      std::vector<std::string> flags = plan.extra_flags;
      flags.push_back(absl::StrCat("--slowdown_percent=", percent));
      if (absl::Status s = child->Start(plan.binary, flags); !s.ok()) return s;
      children.push_back(std::move(child));
    }
    for (size_t c = 0; c < cases; ++c) {
      const bool download = plan.cases[c].kind == perfcell::Workload::DOWNLOAD;
      const int rounds = std::max(
          1, (download ? plan.download_rounds : plan.upload_rounds) / blocks);
      absl::StatusOr<std::vector<std::vector<double>>> seconds =
          RunCase(plan, c, rounds, 20240601 + 100 * b + c, children);
      if (!seconds.ok()) return seconds.status();
      for (size_t s = 0; s < servers; ++s) {
        block_medians[c][s].push_back(Median((*seconds)[s]));
        all[c][s].insert(all[c][s].end(), (*seconds)[s].begin(),
                         (*seconds)[s].end());
      }
    }
  }
  // Per block, each server's median over the baseline (the geometric mean
  // of the N = 0 servers' medians); then the median over blocks.
  CalibrationReport report;
  for (size_t c = 0; c < cases; ++c) {
    std::vector<double> ratio_row, seconds_row;
    for (size_t s = 0; s < servers; ++s) {
      std::vector<double> ratios;
      for (int b = 0; b < blocks; ++b) {
        int zeros = 0;
        double log_sum = 0;
        for (size_t z = 0; z < servers; ++z) {
          if (plan.percents[z] != 0) continue;
          ++zeros;
          log_sum += std::log(block_medians[c][z][b]);
        }
        const double baseline =
            zeros > 0 ? std::exp(log_sum / zeros) : block_medians[c][0][b];
        ratios.push_back(block_medians[c][s][b] / baseline);
      }
      ratio_row.push_back(Median(ratios));
      seconds_row.push_back(Median(all[c][s]));
    }
    report.ratios.push_back(ratio_row);
    report.seconds.push_back(seconds_row);
  }
  return report;
}

}  // namespace chunkstore_bench
