#include "runner/vm/host_vm.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/time/clock.h"
#include "contract/proc_metrics.h"
#include "re2/re2.h"
#include "runner/vm/console_log.h"
#include "runner/vm/file_cache.h"
#include "runner/vm/guest_client.h"
#include "runner/vm/process.h"
#include "tools/cc/atomic_file.h"
#include "tools/cc/loopback_port.h"
#include "tools/cc/status_macros.h"

namespace perfcell {
namespace {

// Writes `value` into an existing control file (never creates one: on a
// plain directory that is not a cgroup, nothing would enforce it).
bool WriteControl(const std::string& path, const std::string& value) {
  int fd = open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return false;
  bool ok = write(fd, value.data(), value.size()) ==
            static_cast<ssize_t>(value.size());
  close(fd);
  return ok;
}

bool Exists(const std::string& path) { return access(path.c_str(), F_OK) == 0; }

// A memory cgroup for the server: cgroup v2 (memory.max) or v1
// (memory.limit_in_bytes), whichever this host has with a memory controller.
struct MemoryCgroup {
  std::string dir;         // empty when none could be made
  std::string oom_events;  // file with an "oom_kill N" line
  std::string kind;        // "cgroup v2 memory.max", ...
};

// Removes the cgroups of earlier cells whose process is gone (a cell killed
// by a signal cannot remove its own).
void RemoveStaleCgroups(const std::string& root) {
  DIR* d = opendir(root.c_str());
  if (d == nullptr) return;
  static const LazyRE2 kOurs = {R"(perfcell-(\d+)-\d+)"};
  while (dirent* e = readdir(d)) {
    int pid;
    if (RE2::FullMatch(e->d_name, *kOurs, &pid) && kill(pid, 0) != 0 &&
        errno == ESRCH) {
      rmdir((root + "/" + e->d_name).c_str());
    }
  }
  closedir(d);
}

MemoryCgroup MakeMemoryCgroup(uint64_t bytes) {
  std::string name =
      absl::StrCat("perfcell-", getpid(), "-", absl::ToUnixNanos(absl::Now()));
  struct Candidate {
    std::string root, limit_file, events_file, kind;
  };
  const Candidate candidates[] = {
      {"/sys/fs/cgroup", "memory.max", "memory.events", "cgroup v2 memory.max"},
      {"/sys/fs/cgroup/memory", "memory.limit_in_bytes", "memory.oom_control",
       "cgroup v1 memory.limit_in_bytes"},
  };
  for (const Candidate& c : candidates) {
    if (!Exists(c.root + "/" + c.limit_file) &&
        !Exists(c.root + "/cgroup.subtree_control")) {
      continue;
    }
    RemoveStaleCgroups(c.root);
    std::string dir = c.root + "/" + name;
    if (mkdir(dir.c_str(), 0755) != 0) continue;
    // The kernel fills a real cgroup with its control files.
    if (Exists(dir + "/cgroup.procs") &&
        WriteControl(dir + "/" + c.limit_file, absl::StrCat(bytes))) {
      WriteControl(dir + "/memory.swap.max", "0");
      WriteControl(dir + "/memory.memsw.limit_in_bytes", absl::StrCat(bytes));
      return {dir, dir + "/" + c.events_file, c.kind};
    }
    rmdir(dir.c_str());
  }
  return {};
}

// How long a restart waits for the server to end after SIGTERM, then kills.
constexpr absl::Duration kRestartGrace = absl::Seconds(10);

class HostVm : public Vm {
 public:
  explicit HostVm(const VmConfig& config)
      : config_(config), console_(config.console_log) {}

  ~HostVm() override {
    if (process_ != nullptr) process_->Kill();
    if (!cgroup_.dir.empty()) rmdir(cgroup_.dir.c_str());
  }

  absl::Status Start() override {
    if (config_.host_argv.empty()) {
      return absl::InvalidArgumentError(
          "host backend: no server command line given");
    }
    ASSIGN_OR_RETURN(port_, PickFreeLoopbackPort());
    data_dir_ = config_.work_dir + "/data";
    tmp_dir_ = config_.work_dir + "/tmp";
    for (const std::string& d : {data_dir_, tmp_dir_}) {
      if (mkdir(d.c_str(), 0755) != 0 && errno != EEXIST) {
        return absl::InternalError(
            absl::StrCat("host backend: mkdir \"", d, "\": ", strerror(errno)));
      }
    }
    std::vector<std::string> argv;
    for (std::string a : config_.host_argv) {
      // The server runs in its data directory: a relative program path
      // (e.g. a runfiles path) is made absolute first.
      if (argv.empty() && a.find('/') != std::string::npos && a[0] != '/') {
        char cwd[4096];
        if (getcwd(cwd, sizeof(cwd)) != nullptr) a = absl::StrCat(cwd, "/", a);
      }
      argv.push_back(absl::StrReplaceAll(a, {{"{port}", absl::StrCat(port_)},
                                             {"{data_dir}", data_dir_},
                                             {"{tmp_dir}", tmp_dir_}}));
    }
    SpawnOptions spawn;
    spawn.output_file = config_.console_log;
    spawn.working_dir = data_dir_;
    spawn.cpus = config_.cpus;
    spawn.env = config_.host_env;
    spawn.env.push_back(absl::StrCat("PORT=", port_));
    spawn.env.push_back("TMPDIR=" + tmp_dir_);
    spawn.env.push_back("HOME=" + data_dir_);
    uint64_t limit = static_cast<uint64_t>(config_.memory_mib) << 20;
    cgroup_ = MakeMemoryCgroup(limit);
    if (cgroup_.dir.empty()) {
      // Address space, not resident memory: leave room for thread stacks and
      // mappings that never become resident.
      spawn.rlimit_as_bytes = limit + (512ull << 20);
      limit_kind_ = "RLIMIT_AS";
    } else {
      spawn.cgroup_dir = cgroup_.dir;
      limit_kind_ = cgroup_.kind;
    }
    argv_ = std::move(argv);
    spawn_ = std::move(spawn);
    absl::Time start = absl::Now();
    RETURN_IF_ERROR(SpawnAndWaitForPort());
    boot_seconds_ = absl::ToDoubleSeconds(absl::Now() - start);
    return absl::OkStatus();
  }

  absl::Status RestartServer() override {
    if (process_ == nullptr)
      return absl::FailedPreconditionError("not started");
    if (!process_->Running()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "host backend: the server ", process_->exit_status()->ToString(),
          " before the restart; not restarting it"));
    }
    process_->Signal(SIGTERM);
    if (!process_->WaitFor(kRestartGrace).has_value()) process_->Kill();
    // The same command line, environment, cgroup and CPUs; the data
    // directory stays.
    return SpawnAndWaitForPort();
  }

  // Starts the server (argv_, spawn_) and waits until its port accepts
  // connections, at most the boot timeout.
  absl::Status SpawnAndWaitForPort() {
    absl::Time start = absl::Now();
    ASSIGN_OR_RETURN(process_, Process::Spawn(argv_, spawn_));
    while (!LoopbackPortAccepts(port_)) {
      if (!process_->Running()) {
        return absl::AbortedError(absl::StrCat(
            "host backend: the server ", process_->exit_status()->ToString(),
            " before it listened; its output:\n", console_.Tail(20)));
      }
      if (absl::Now() - start > config_.boot_timeout) {
        return absl::DeadlineExceededError(absl::StrCat(
            "host backend: the server did not listen on port ", port_,
            " within ", absl::FormatDuration(config_.boot_timeout),
            "; its output:\n", console_.Tail(20)));
      }
      absl::SleepFor(absl::Milliseconds(20));
    }
    return absl::OkStatus();
  }

  std::string ServerUrl() const override {
    return absl::StrCat("http://127.0.0.1:", port_);
  }

  absl::StatusOr<GuestMetrics> Metrics() override {
    if (process_ == nullptr)
      return absl::FailedPreconditionError("not started");
    GuestMetrics m;
    uint64_t limit = static_cast<uint64_t>(config_.memory_mib) << 20;
    absl::StatusOr<std::string> status =
        ReadFile(absl::StrCat("/proc/", process_->pid(), "/status"));
    uint64_t rss =
        status.ok() ? contract::KilobyteField(*status, "VmRSS").value_or(0) : 0;
    m.set_mem_total_bytes(limit);
    m.set_mem_available_bytes(rss < limit ? limit - rss : 0);
    m.set_server_rss_bytes(rss);
    m.set_server_rss_peak_bytes(
        status.ok() ? contract::KilobyteField(*status, "VmHWM").value_or(0)
                    : 0);
    m.set_data_disk_used_bytes(
        contract::CountRegularFiles(data_dir_).allocated_bytes);
    struct statvfs vfs;
    if (statvfs(data_dir_.c_str(), &vfs) == 0) {
      m.set_data_disk_total_bytes(static_cast<uint64_t>(vfs.f_blocks) *
                                  vfs.f_frsize);
    }
    contract::FileCount tmp = contract::CountRegularFiles(tmp_dir_);
    m.set_tmp_leftover_files(tmp.files);
    m.set_tmp_leftover_bytes(tmp.allocated_bytes);
    contract::AddTmpPlacement(tmp_dir_, data_dir_, &m);
    return m;
  }

  absl::StatusOr<std::vector<std::string>> ServerArgv() override {
    if (process_ == nullptr)
      return absl::FailedPreconditionError("not started");
    return argv_;
  }

  absl::Status DropCaches() override {
    if (process_ == nullptr)
      return absl::FailedPreconditionError("not started");
    return DropFileCaches(data_dir_);
  }

  absl::Status Health() override {
    if (process_ == nullptr)
      return absl::FailedPreconditionError("not started");
    if (process_->Running()) return absl::OkStatus();
    ExitStatus s = *process_->exit_status();
    if (s.signal == SIGKILL && !cgroup_.dir.empty()) {
      std::ifstream events(cgroup_.oom_events);
      std::string key;
      uint64_t value;
      while (events >> key >> value) {
        if (key == "oom_kill" && value > 0) {
          return absl::ResourceExhaustedError(
              absl::StrCat("the server was killed by the OOM killer (",
                           config_.memory_mib, " MiB cgroup limit)"));
        }
      }
    }
    return absl::AbortedError(absl::StrCat("the server ", s.ToString(),
                                           "; its last output:\n",
                                           console_.Tail(20)));
  }

  absl::Status Stop(absl::Duration grace) override {
    if (process_ == nullptr || !process_->Running()) return absl::OkStatus();
    process_->Signal(SIGTERM);
    if (process_->WaitFor(grace).has_value()) return absl::OkStatus();
    process_->Kill();
    return absl::DeadlineExceededError(
        absl::StrCat("host backend: the server ignored SIGTERM for ",
                     absl::FormatDuration(grace), " and was killed"));
  }

  double BootSeconds() const override { return boot_seconds_; }

  VmInfo Info() const override {
    VmInfo info;
    info.backend_version = "memory limit: " + limit_kind_;
    info.accelerator = "none";
    info.cache_mode = "host page cache";
    return info;
  }

 private:
  VmConfig config_;
  ConsoleLog console_;
  std::vector<std::string> argv_;  // the server's, placeholders filled in
  SpawnOptions spawn_;
  std::unique_ptr<Process> process_;
  MemoryCgroup cgroup_;
  std::string limit_kind_;
  std::string data_dir_;
  std::string tmp_dir_;
  uint16_t port_ = 0;
  double boot_seconds_ = 0;
};

}  // namespace

absl::StatusOr<std::unique_ptr<Vm>> MakeHostVm(const VmConfig& config) {
  if (config.work_dir.empty() || config.console_log.empty()) {
    return absl::InvalidArgumentError(
        "host backend: work_dir and console_log are required");
  }
  return std::unique_ptr<Vm>(new HostVm(config));
}

}  // namespace perfcell
