// Upload throughput of perfcell's workload client against a loopback sink,
// side by side with the curl CLI in the same run.
//
//   bazel run -c opt //runner:bench_client -- --bytes=1073741824 --runs=3
//
// The sink is an HTTP server on a thread of this process that reads and drops
// each body as fast as the socket delivers it and answers 200 with a PicoShare
// style {"id":...}. Variants, all sending --bytes of payload with a
// Content-Length (no chunked encoding):
//   perfcell            PicoShareApi::Upload of a MultipartBody (PRNG bytes),
//                       what every timed upload iteration does
//   perfcell+sha256     the same, hashing while generating (iteration 0)
//   curl stdin<-prng    `curl -T - -H "Content-Length: N"`, stdin piped from
//                       the same PRNG generator on a thread: the fair
//                       comparison (same bytes, generation cost on both sides)
//   curl -T sparse      `curl -T <sparse file>`: zeros read from a hole, the
//                       cheapest input curl can have (a ceiling, not a peer)
// Context goes to stderr first; the table to stdout.
#include <curl/curl.h>
#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "runner/workload/http_client.h"
#include "runner/workload/multipart_body.h"
#include "runner/workload/picoshare_api.h"
#include "runner/workload/prng_stream.h"
#include "runner/workload/testing/loopback_server.h"
#include "tools/cc/cli_flags.h"

ABSL_FLAG(uint64_t, bytes, uint64_t{1} << 30, "payload bytes per upload");
ABSL_FLAG(int, runs, 3, "uploads per variant (the table shows the median)");
ABSL_FLAG(uint64_t, seed, 1, "PRNG seed of the payload");
ABSL_FLAG(std::string, curl, "/usr/bin/curl", "curl CLI to compare with");

extern char** environ;

namespace perfcell {
namespace {

// One measured upload.
struct Sample {
  double seconds = 0;
  double cpu_seconds = 0;  // client side: user + system
};

double CpuSeconds(const rusage& u) {
  return u.ru_utime.tv_sec + u.ru_utime.tv_usec / 1e6 + u.ru_stime.tv_sec +
         u.ru_stime.tv_usec / 1e6;
}

double ThreadCpuSeconds() {
  rusage u;
  getrusage(RUSAGE_THREAD, &u);
  return CpuSeconds(u);
}

double Now() {
  return std::chrono::duration<double>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// Reads and drops each request body (counting a multipart body's part
// contents), answers 200. Refuses chunked bodies, so a variant that fell back
// to chunked encoding fails loudly.
std::unique_ptr<LoopbackServer> StartSink(std::atomic<uint64_t>* received) {
  return *LoopbackServer::Start([received](HttpExchange& exchange) {
    if (exchange.head().chunked) {
      exchange.Respond(411, {}, "no chunked bodies\n");
      return;
    }
    absl::StatusOr<uint64_t> bytes = exchange.DiscardBody();
    if (!bytes.ok()) return;
    received->fetch_add(*bytes);
    exchange.Respond(200, {{"Content-Type", "application/json"}},
                     "{\"id\":\"sink000000\"}\n");
  });
}

absl::StatusOr<Sample> PerfcellUpload(const std::string& url, uint64_t bytes,
                                      bool hash) {
  absl::StatusOr<std::unique_ptr<HttpClient>> client =
      HttpClient::Create(url, absl::ZeroDuration());
  if (!client.ok()) return client.status();
  PicoShareApi api(client->get());
  MultipartBody body(absl::GetFlag(FLAGS_seed), bytes, "file", hash);
  const double cpu0 = ThreadCpuSeconds();
  const double t0 = Now();
  Exchange up = api.Upload(body);
  Sample sample{Now() - t0, ThreadCpuSeconds() - cpu0};
  if (!up.status.ok()) return up.status;
  if (hash && body.FileSha256().empty()) {
    return absl::InternalError("no sha256");
  }
  return sample;
}

// Runs curl with `args`, stdin from `stdin_fd` (or /dev/null when -1).
// Returns its CPU time and exit status through `sample`.
absl::StatusOr<double> RunCurl(const std::vector<std::string>& args,
                               int stdin_fd) {
  std::vector<char*> argv;
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.data()));
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (stdin_fd >= 0) posix_spawn_file_actions_adddup2(&actions, stdin_fd, 0);
  pid_t pid;
  const int rc =
      posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    return absl::NotFoundError(absl::StrCat("cannot run ", args[0]));
  }
  int status;
  rusage usage;
  wait4(pid, &status, 0, &usage);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return absl::InternalError(
        absl::StrCat(args[0], " failed (exit ", WEXITSTATUS(status),
                     "); args: ", absl::StrJoin(args, " ")));
  }
  return CpuSeconds(usage);
}

std::vector<std::string> CurlArgs(const std::string& url, uint64_t bytes,
                                  const std::string& source) {
  return {absl::GetFlag(FLAGS_curl), "-sS", "-f", "-o", "/dev/null", "-X",
          "POST", "-H", "Content-Type: application/octet-stream", "-H",
          "Expect:", "-H", absl::StrCat("Content-Length: ", bytes),
          // An empty Transfer-Encoding keeps curl from chunking stdin.
          "-H", "Transfer-Encoding:", "-T", source,
          absl::StrCat(url, "/api/entry")};
}

absl::StatusOr<Sample> CurlFromGenerator(const std::string& url,
                                         uint64_t bytes) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return absl::InternalError("pipe");
  fcntl(fds[1], F_SETPIPE_SZ, 1 << 20);
  double writer_cpu = 0;
  const double t0 = Now();
  std::thread writer([&] {
    const double cpu0 = ThreadCpuSeconds();
    PrngStream stream(absl::GetFlag(FLAGS_seed));
    std::vector<char> buf(1 << 20);
    uint64_t left = bytes;
    while (left > 0) {
      const size_t n = std::min<uint64_t>(left, buf.size());
      stream.Read(buf.data(), n);
      size_t off = 0;
      while (off < n) {
        ssize_t w = write(fds[1], buf.data() + off, n - off);
        if (w <= 0) break;
        off += w;
      }
      if (off < n) break;
      left -= n;
    }
    close(fds[1]);
    writer_cpu = ThreadCpuSeconds() - cpu0;
  });
  absl::StatusOr<double> cpu = RunCurl(CurlArgs(url, bytes, "-"), fds[0]);
  close(fds[0]);
  writer.join();
  if (!cpu.ok()) return cpu.status();
  return Sample{Now() - t0, *cpu + writer_cpu};
}

absl::StatusOr<Sample> CurlSparseFile(const std::string& url, uint64_t bytes,
                                      const std::string& path) {
  const double t0 = Now();
  absl::StatusOr<double> cpu = RunCurl(CurlArgs(url, bytes, path), -1);
  if (!cpu.ok()) return cpu.status();
  return Sample{Now() - t0, *cpu};
}

std::string FirstLine(const std::string& path, const std::string& prefix) {
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (prefix.empty() || line.rfind(prefix, 0) == 0) {
      const size_t colon = line.find(':');
      return prefix.empty() || colon == std::string::npos
                 ? line
                 : std::string(
                       absl::StripAsciiWhitespace(line.substr(colon + 1)));
    }
  }
  return "unknown";
}

void PrintContext(uint64_t bytes, int runs) {
  utsname u;
  uname(&u);
  std::cerr << "host:     " << u.nodename << " (" << u.sysname << " "
            << u.release << ")\n"
            << "cpu:      " << FirstLine("/proc/cpuinfo", "model name") << ", "
            << std::thread::hardware_concurrency() << " logical cores\n"
            << "governor: "
            << FirstLine(
                   "/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor", "")
            << "\n"
            << "load:     " << FirstLine("/proc/loadavg", "") << "\n"
            << "libcurl:  " << curl_version() << "\n"
            << "payload:  " << bytes << " bytes per upload, " << runs
            << " runs per variant, loopback sink on a thread of this process\n";
#ifndef NDEBUG
  std::cerr << "WARNING:  built without NDEBUG (not -c opt): client CPU "
               "figures are pessimistic\n";
#endif
  double load = 0;
  if (std::ifstream("/proc/loadavg") >> load;
      load > 0.5 * std::thread::hardware_concurrency()) {
    std::cerr << "WARNING:  load average " << load << " on "
              << std::thread::hardware_concurrency()
              << " cores: other work competes with this run\n";
  }
  if (runs < 3) std::cerr << "WARNING:  fewer than 3 runs per variant\n";
  if (std::thread::hardware_concurrency() < 4) {
    std::cerr << "WARNING:  client, sink (and curl's generator) share "
              << std::thread::hardware_concurrency()
              << " cores: figures are CPU-bound, compare them relatively\n";
  }
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

struct Variant {
  std::string name;
  std::string note;
  std::function<absl::StatusOr<Sample>()> run;
};

int Main() {
  const uint64_t bytes = absl::GetFlag(FLAGS_bytes);
  const int runs = std::max(1, absl::GetFlag(FLAGS_runs));
  PrintContext(bytes, runs);

  std::atomic<uint64_t> received{0};
  std::unique_ptr<LoopbackServer> sink = StartSink(&received);
  const std::string url = sink->url();

  // A sparse file: apparent size `bytes`, no blocks on disk.
  const char* tmp = getenv("TMPDIR");
  const std::string sparse =
      absl::StrCat(tmp ? tmp : "/tmp", "/bench_client_sparse_", getpid());
  const int fd = open(sparse.c_str(), O_CREAT | O_TRUNC | O_WRONLY, 0600);
  if (fd < 0 || ftruncate(fd, static_cast<off_t>(bytes)) != 0) {
    std::cerr << "bench_client: cannot create " << sparse << "\n";
    return 1;
  }
  close(fd);

  const std::vector<Variant> variants = {
      {"perfcell", "libcurl read callback, PRNG multipart",
       [&] { return PerfcellUpload(url, bytes, /*hash=*/false); }},
      {"perfcell+sha256", "same, sha256 while generating",
       [&] { return PerfcellUpload(url, bytes, /*hash=*/true); }},
      {"curl stdin<-prng", "curl CLI, same PRNG bytes piped (fair)",
       [&] { return CurlFromGenerator(url, bytes); }},
      {"curl -T sparse", "curl CLI, zeros from a sparse file",
       [&] { return CurlSparseFile(url, bytes, sparse); }},
  };

  struct Row {
    std::string name, note;
    double mbps, mbps_min, mbps_max, seconds, cpu;
  };
  std::vector<Row> rows;
  int exit_code = 0;
  // Variants alternate run by run, so drift spreads over all of them.
  std::vector<std::vector<Sample>> samples(variants.size());
  for (int r = 0; r < runs; ++r) {
    for (size_t v = 0; v < variants.size(); ++v) {
      const uint64_t before = received.load();
      absl::StatusOr<Sample> sample = variants[v].run();
      if (sample.ok() && received.load() - before < bytes) {
        sample = absl::DataLossError("the sink received fewer bytes");
      }
      if (!sample.ok()) {
        std::cerr << "bench_client: " << variants[v].name << ": "
                  << sample.status() << "\n";
        exit_code = 1;
        continue;
      }
      std::cerr << absl::StrFormat("run %d/%d %-17s %8.1f MB/s\n", r + 1, runs,
                                   variants[v].name,
                                   bytes / sample->seconds / 1e6);
      samples[v].push_back(*sample);
    }
  }
  unlink(sparse.c_str());

  std::cout << absl::StrFormat("%-17s %9s %19s %9s %9s %6s  %s\n", "variant",
                               "MB/s", "min … max MB/s", "seconds", "CPU s",
                               "CPU%", "what");
  for (size_t v = 0; v < variants.size(); ++v) {
    if (samples[v].empty()) continue;
    std::vector<double> mbps, secs, cpu;
    for (const Sample& s : samples[v]) {
      mbps.push_back(bytes / s.seconds / 1e6);
      secs.push_back(s.seconds);
      cpu.push_back(s.cpu_seconds);
    }
    const double median_secs = Median(secs);
    const double median_cpu = Median(cpu);
    std::cout << absl::StrFormat(
        "%-17s %9.1f %9.1f … %7.1f %9.3f %9.3f %5.0f%%  %s\n", variants[v].name,
        Median(mbps), *std::min_element(mbps.begin(), mbps.end()),
        *std::max_element(mbps.begin(), mbps.end()), median_secs, median_cpu,
        100 * median_cpu / median_secs, variants[v].note);
  }
  std::cout << absl::StrFormat(
      "(median of %d; MB = 10^6 bytes of payload; CPU = client side only:\n"
      " this process's client thread, or curl plus the generator thread)\n",
      runs);
  return exit_code;
}

}  // namespace
}  // namespace perfcell

int main(int argc, char** argv) {
  if (auto exit =
          perfcell::ParseCliFlags(argc, argv, "bench_client",
                                  "Uploads and downloads against a server and "
                                  "prints throughput next to curl's.")) {
    return *exit;
  }
  return perfcell::Main();
}
