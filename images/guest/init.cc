#include "images/guest/init.h"

#include <fcntl.h>
#include <google/protobuf/text_format.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <optional>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "contract/console_protocol.h"
#include "contract/guest_layout.h"
#include "images/guest/config.h"
#include "images/guest/console_lines.h"
#include "images/guest/http.h"
#include "images/guest/metrics.h"
#include "images/guest/server_process.h"
#include "images/guest/system.h"
#include "images/guest/tmp_mount.h"
#include "tools/cc/atomic_file.h"
#include "tools/cc/loopback_port.h"
#include "tools/cc/status_macros.h"

namespace perfcell::guest {
namespace {

constexpr absl::Duration kStopGrace = absl::Seconds(10);
constexpr absl::Duration kKillGrace = absl::Seconds(5);
constexpr absl::Duration kReadyProbeInterval = absl::Milliseconds(50);
constexpr int kSignals[] = {SIGCHLD, SIGTERM, SIGINT};

void IgnoreSignal(int) {}

int64_t UptimeMs() {
  timespec ts;
  clock_gettime(CLOCK_BOOTTIME, &ts);
  return int64_t{ts.tv_sec} * 1000 + ts.tv_nsec / 1000000;
}

// "network eth0 10.0.2.15/24 via 10.0.2.2", for the console.
std::string DescribeNetwork(const NetworkConfig& net) {
  std::string text = absl::StrCat("network ", net.interface(), " ",
                                  net.address(), "/", net.prefix_length());
  if (!net.gateway().empty()) absl::StrAppend(&text, " via ", net.gateway());
  return text;
}

int PollTimeoutMs(absl::Time deadline) {
  absl::Duration left = deadline - absl::Now();
  if (left <= absl::ZeroDuration()) return 0;
  return static_cast<int>(absl::ToInt64Milliseconds(left)) + 1;
}

class Init {
 public:
  explicit Init(const InitOptions& options) : options_(options) {}

  int Run() {
    absl::Status status = Setup();
    if (!status.ok()) {
      Fail(status);
    } else {
      phase_ = Phase::kWaitingReady;
      ready_deadline_ = absl::Now() + ReadyTimeout();
    }
    while (phase_ != Phase::kDone) Step();
    FinishShutdown();
    return exit_code_;
  }

 private:
  enum class Phase { kStarting, kWaitingReady, kRunning, kStopping, kDone };

  std::string Path(absl::string_view guest_path) const {
    return absl::StrCat(options_.root, guest_path);
  }

  void Log(absl::string_view text) {
    WriteLine(options_.console_fd, absl::StrCat("perfcell-init: ", text));
  }

  absl::Duration ReadyTimeout() const {
    double s = config_.server().ready_timeout_seconds();
    return absl::Seconds(s > 0 ? s : kDefaultReadyTimeoutSeconds);
  }

  absl::Status SetupSignals() {
    struct sigaction sa = {};
    sa.sa_handler = IgnoreSignal;  // PID 1 only gets signals it handles
    sigset_t mask;
    sigemptyset(&mask);
    for (int sig : kSignals) {
      sigaction(sig, &sa, nullptr);
      sigaddset(&mask, sig);
    }
    signal(SIGPIPE, SIG_IGN);
    sigprocmask(SIG_BLOCK, &mask, nullptr);
    signal_fd_ = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
    if (signal_fd_ < 0) {
      return absl::InternalError(absl::StrCat("signalfd: ", strerror(errno)));
    }
    // Not PID 1 (tests): still adopt the server's orphans, as PID 1 would.
    if (getpid() != 1) prctl(PR_SET_CHILD_SUBREAPER, 1);
    return absl::OkStatus();
  }

  absl::Status Setup() {
    RETURN_IF_ERROR(SetupSignals());
    if (options_.mount) {
      RETURN_IF_ERROR(MountEarlyFilesystems());
      EnsureConsole();
    }
    absl::StatusOr<std::string> read_cmdline = ReadFile(options_.cmdline_file);
    const std::string cmdline = read_cmdline.ok() ? *read_cmdline : "";
    const std::string payload = PayloadDevice(cmdline);
    if (options_.mount) {
      RETURN_IF_ERROR(MountExt4(payload, Path(contract::kPayloadMount), true));
      mounted_.push_back(Path(contract::kPayloadMount));
      Log(absl::StrCat("payload ", payload, " mounted at ",
                       contract::kPayloadMount));
    }
    ASSIGN_OR_RETURN(
        config_,
        LoadGuestConfig(options_.config.empty()
                            ? Path(absl::StrCat(contract::kPayloadMount, "/",
                                                contract::kConfigPathInPayload))
                            : options_.config));
    // Before anything is mounted read-write: a malformed perfcell.net fails
    // the boot at once.
    ASSIGN_OR_RETURN(const NetworkConfig network,
                     GuestNetwork(cmdline, config_));
    if (options_.modules) {
      for (const std::string& module : config_.modules()) {
        RETURN_IF_ERROR(LoadModule(Path(module)));
      }
    }
    if (options_.mount) {
      if (!config_.data_device().empty()) {
        RETURN_IF_ERROR(MountExt4(config_.data_device(),
                                  Path(config_.data_mount()), false));
        mounted_.push_back(Path(config_.data_mount()));
      }
      // After the data disk: in disk mode /tmp is a directory of it.
      ASSIGN_OR_RETURN(TmpPlan tmp, PlanTmp(cmdline, config_));
      RETURN_IF_ERROR(MountTmp(tmp, options_.root));
      if (tmp.kind == TmpPlan::Kind::kDisk) {
        mounted_.push_back(Path(contract::kTmpMount));
      }
      Log(absl::StrCat(contract::kTmpMount, " is ", DescribeTmp(tmp)));
    }
    if (!network.interface().empty()) Log(DescribeNetwork(network));
    if (options_.network) RETURN_IF_ERROR(ConfigureNetwork(network));
    if (config_.metrics_port() != 0) {
      ASSIGN_OR_RETURN(listen_fd_,
                       ListenTcp("0.0.0.0", config_.metrics_port()));
    }
    return LaunchServer("started");
  }

  // Starts the server of the config and takes over its pid and output;
  // logs "server <how>, pid N".
  absl::Status LaunchServer(absl::string_view how) {
    ASSIGN_OR_RETURN(ServerProcess server,
                     StartServer(config_.server(), Path(contract::kTmpMount)));
    server_pid_ = server.pid;
    server_running_ = true;
    output_fd_ = server.output_fd;
    Log(absl::StrCat("server ", how, ", pid ", server_pid_));
    return absl::OkStatus();
  }

  // One round of the event loop.
  void Step() {
    std::vector<pollfd> fds = {{signal_fd_, POLLIN, 0}};
    if (output_fd_ >= 0) fds.push_back({output_fd_, POLLIN, 0});
    if (listen_fd_ >= 0 && phase_ != Phase::kStopping) {
      fds.push_back({listen_fd_, POLLIN, 0});
    }
    int timeout = -1;
    if (phase_ == Phase::kWaitingReady) {
      timeout =
          static_cast<int>(absl::ToInt64Milliseconds(kReadyProbeInterval));
    } else if (phase_ == Phase::kStopping) {
      timeout = PollTimeoutMs(stop_deadline_);
    }
    if (poll(fds.data(), fds.size(), timeout) < 0 && errno != EINTR) {
      Fail(absl::InternalError(absl::StrCat("poll: ", strerror(errno))));
      return;
    }
    for (const pollfd& p : fds) {
      if (p.revents == 0) continue;
      if (p.fd == signal_fd_) HandleSignals();
      if (p.fd == output_fd_) DrainOutput();
      if (p.fd == listen_fd_ && phase_ != Phase::kStopping &&
          phase_ != Phase::kDone) {
        HandleMetricsConnection();
      }
    }
    if (phase_ == Phase::kWaitingReady) CheckReady();
    if (phase_ == Phase::kStopping) CheckStopped();
  }

  void CheckReady() {
    if (LoopbackPortAccepts(config_.server().port())) {
      phase_ = Phase::kRunning;
      DrainOutput();  // what the server said so far comes before READY
      WriteLine(options_.console_fd,
                contract::ReadyLine(UptimeMs(), server_pid_));
    } else if (absl::Now() > ready_deadline_) {
      Fail(absl::DeadlineExceededError(
          absl::StrCat("server did not accept connections on 127.0.0.1:",
                       config_.server().port(), " within ",
                       absl::FormatDuration(ReadyTimeout()))));
    }
  }

  void CheckStopped() {
    if (!server_running_) {
      phase_ = Phase::kDone;
    } else if (absl::Now() >= stop_deadline_) {
      if (!sent_kill_) {
        Log(absl::StrCat("server did not stop within ",
                         absl::FormatDuration(kStopGrace),
                         "; sending SIGKILL"));
        SignalServer(SIGKILL);
        sent_kill_ = true;
        stop_deadline_ = absl::Now() + kKillGrace;
      } else {
        Log("server survived SIGKILL; powering off anyway");
        phase_ = Phase::kDone;
      }
    }
  }

  void HandleSignals() {
    signalfd_siginfo info;
    while (read(signal_fd_, &info, sizeof(info)) == sizeof(info)) {
      if (info.ssi_signo == SIGTERM || info.ssi_signo == SIGINT) {
        Log(absl::StrCat("signal ", info.ssi_signo, ": powering off"));
        BeginShutdown(0);
      }
    }
    Reap();
  }

  // Reaps every child that has ended: the server and any orphan.
  void Reap() {
    int status = 0;
    pid_t pid;
    while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
      if (pid == server_pid_ && server_running_) OnServerExit(status);
    }
  }

  void OnServerExit(int status) {
    server_running_ = false;
    DrainOutput();
    forwarder_.Flush();
    WriteLine(
        options_.console_fd,
        contract::ServerExitLine(contract::ServerExit::FromWaitStatus(status)));
    if (phase_ == Phase::kWaitingReady) {
      Fail(absl::FailedPreconditionError(absl::StrCat(
          "server exited before 127.0.0.1:", config_.server().port(),
          " accepted connections")));
    } else if (phase_ == Phase::kRunning && config_.poweroff_on_server_exit()) {
      BeginShutdown(0);
    }
  }

  // Forwards what the server wrote so far; closes the pipe at EOF.
  void DrainOutput() {
    if (output_fd_ < 0) return;
    char buf[4096];
    while (true) {
      ssize_t n = read(output_fd_, buf, sizeof(buf));
      if (n > 0) {
        forwarder_.Feed(absl::string_view(buf, n));
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n == 0) {
        forwarder_.Flush();
        close(output_fd_);
        output_fd_ = -1;
      }
      return;
    }
  }

  void HandleMetricsConnection() {
    int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) return;
    timeval tv = {2, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
    absl::StatusOr<HttpRequest> request = ReadRequest(fd);
    bool poweroff = false;
    if (!request.ok()) {
      WriteResponse(fd, 400, "text/plain", "malformed request\n");
    } else if (request->path == "/metrics") {
      if (request->method == "GET") {
        WriteResponse(fd, 200, "text/plain", MetricsText());
      } else {
        WriteResponse(fd, 405, "text/plain", "use GET\n");
      }
    } else if (request->path == "/server") {
      if (request->method == "GET") {
        WriteResponse(fd, 200, "text/plain", ServerText());
      } else {
        WriteResponse(fd, 405, "text/plain", "use GET\n");
      }
    } else if (request->path == "/drop_caches") {
      if (request->method == "POST") {
        absl::Status dropped = DropCaches();
        if (dropped.ok()) {
          WriteResponse(fd, 200, "text/plain", "page cache dropped\n");
        } else {
          WriteResponse(fd, 500, "text/plain",
                        absl::StrCat(dropped.message(), "\n"));
        }
      } else {
        WriteResponse(fd, 405, "text/plain", "use POST\n");
      }
    } else if (request->path == "/restart_server") {
      if (request->method == "POST") {
        absl::StatusOr<std::string> restarted = RestartServer();
        if (restarted.ok()) {
          WriteResponse(fd, 200, "text/plain", *restarted);
        } else {
          WriteResponse(
              fd, absl::IsFailedPrecondition(restarted.status()) ? 409 : 500,
              "text/plain", absl::StrCat(restarted.status().message(), "\n"));
        }
      } else {
        WriteResponse(fd, 405, "text/plain", "use POST\n");
      }
    } else if (request->path == "/poweroff") {
      if (request->method == "POST") {
        WriteResponse(fd, 200, "text/plain", "powering off\n");
        poweroff = true;
      } else {
        WriteResponse(fd, 405, "text/plain", "use POST\n");
      }
    } else {
      WriteResponse(fd, 404, "text/plain", "not found\n");
    }
    close(fd);
    if (poweroff) {
      Log("power-off requested over HTTP");
      BeginShutdown(0);
    }
  }

  // POST /restart_server: stops the server (SIGTERM to its session, up to
  // kStopGrace, then SIGKILL and up to kKillGrace), starts it again with the
  // same command and environment, and waits (up to the ready timeout) until
  // its port accepts connections. Blocks the event loop meanwhile, as a
  // bounded request. A planned stop prints no SERVER_EXIT line (that means
  // a crash to the runner); a restarted server that ends before listening
  // does. Returns the answer's text ("server restarted: pid 12 -> 34").
  absl::StatusOr<std::string> RestartServer() {
    if (!server_running_) {
      return absl::FailedPreconditionError(
          "the server is not running (it ended before: see its SERVER_EXIT "
          "line); not restarting it");
    }
    const int old_pid = server_pid_;
    RETURN_IF_ERROR(StopServerForRestart());
    RETURN_IF_ERROR(LaunchServer("restarted"));
    const absl::Time deadline = absl::Now() + ReadyTimeout();
    while (!LoopbackPortAccepts(config_.server().port())) {
      int status = 0;
      if (waitpid(server_pid_, &status, WNOHANG) == server_pid_) {
        OnServerExit(status);
        return absl::FailedPreconditionError(absl::StrCat(
            "the restarted server ended (",
            contract::ServerExit::FromWaitStatus(status).ToString(),
            ") before 127.0.0.1:", config_.server().port(),
            " accepted connections"));
      }
      if (absl::Now() > deadline) {
        return absl::DeadlineExceededError(absl::StrCat(
            "the restarted server did not accept connections on 127.0.0.1:",
            config_.server().port(), " within ",
            absl::FormatDuration(ReadyTimeout())));
      }
      WaitForOutput(kReadyProbeInterval);
    }
    DrainOutput();
    return absl::StrCat("server restarted: pid ", old_pid, " -> ", server_pid_,
                        "\n");
  }

  // Stops the server for a restart and reaps it; forwards the rest of its
  // output and closes its pipe.
  absl::Status StopServerForRestart() {
    SignalServer(SIGTERM);
    int status = 0;
    bool ended = WaitForServer(kStopGrace, &status);
    if (!ended) {
      Log(absl::StrCat("server did not stop within ",
                       absl::FormatDuration(kStopGrace),
                       " for a restart; sending SIGKILL"));
      SignalServer(SIGKILL);
      ended = WaitForServer(kKillGrace, &status);
    }
    if (!ended) {
      return absl::InternalError(absl::StrCat(
          "the server (pid ", server_pid_, ") survived SIGKILL for ",
          absl::FormatDuration(kKillGrace), "; not restarting it"));
    }
    server_running_ = false;
    DrainOutput();
    forwarder_.Flush();
    if (output_fd_ >= 0) {  // a child of the server may still hold it
      close(output_fd_);
      output_fd_ = -1;
    }
    Log(absl::StrCat("server pid ", server_pid_, " stopped for a restart (",
                     contract::ServerExit::FromWaitStatus(status).ToString(),
                     ")"));
    return absl::OkStatus();
  }

  // Sends `signal` to the server's whole session (it runs setsid) and to the
  // server itself.
  void SignalServer(int signal) {
    kill(-server_pid_, signal);
    kill(server_pid_, signal);
  }

  // Waits up to `grace` for the server to end, forwarding its output; true
  // once it ended (and was reaped, its wait status in `status`).
  bool WaitForServer(absl::Duration grace, int* status) {
    const absl::Time deadline = absl::Now() + grace;
    while (true) {
      if (waitpid(server_pid_, status, WNOHANG) == server_pid_) return true;
      if (absl::Now() >= deadline) return false;
      WaitForOutput(absl::Milliseconds(20));
    }
  }

  // Forwards what the server writes for up to `wait`.
  void WaitForOutput(absl::Duration wait) {
    if (output_fd_ < 0) {
      absl::SleepFor(wait);
      return;
    }
    pollfd p = {output_fd_, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(absl::ToInt64Milliseconds(wait))) > 0) {
      DrainOutput();
    }
  }

  // Writes back dirty pages, then drops the clean ones with the dentries
  // and inodes ("3"), so the next read of any file comes from the disk.
  absl::Status DropCaches() {
    sync();
    const std::string& file = options_.drop_caches_file;
    int fd = open(file.c_str(), O_WRONLY | O_CLOEXEC);
    bool ok = fd >= 0 && write(fd, "3\n", 2) == 2;
    const int err = errno;
    if (fd >= 0) close(fd);
    if (!ok) {
      return absl::InternalError(absl::StrCat(
          "dropping the page cache: writing 3 to ", file, ": ", strerror(err)));
    }
    Log("page cache dropped");
    return absl::OkStatus();
  }

  std::string MetricsText() {
    MetricsSources sources;
    sources.tmp_dir = Path(contract::kTmpMount);
    if (!config_.data_mount().empty()) {
      sources.data_mount = Path(config_.data_mount());
    }
    sources.server_pid = server_running_ ? server_pid_ : 0;
    std::string text;
    google::protobuf::TextFormat::PrintToString(CollectMetrics(sources), &text);
    return text;
  }

  // GET /server: the ServerCommand the server runs with, in text format:
  // argv as it went to execve, env as the server received it (restarts use
  // the same) but with every value except a few harmless ones redacted
  // (RedactedEnvironment): the metrics port answers anyone who can reach the
  // guest.
  std::string ServerText() const {
    ServerCommand started = config_.server();
    started.clear_env();
    for (std::string& e : RedactedEnvironment(
             ServerEnvironment(config_.server(), Path(contract::kTmpMount)))) {
      started.add_env(std::move(e));
    }
    std::string text;
    google::protobuf::TextFormat::PrintToString(started, &text);
    return text;
  }

  void Fail(const absl::Status& status) {
    WriteLine(options_.console_fd, contract::ErrorLine(status.message()));
    BeginShutdown(1);
  }

  void BeginShutdown(int exit_code) {
    if (phase_ == Phase::kStopping || phase_ == Phase::kDone) return;
    exit_code_ = exit_code;
    if (!server_running_) {
      phase_ = Phase::kDone;
      return;
    }
    SignalServer(SIGTERM);
    stop_deadline_ = absl::Now() + kStopGrace;
    phase_ = Phase::kStopping;
  }

  void FinishShutdown() {
    DrainOutput();
    forwarder_.Flush();
    if (listen_fd_ >= 0) close(listen_fd_);
    sync();
    for (auto it = mounted_.rbegin(); it != mounted_.rend(); ++it) {
      absl::Status status = UnmountOrRemountReadOnly(*it);
      if (!status.ok()) Log(status.message());
    }
    WriteLine(options_.console_fd, contract::PoweroffLine());
  }

  const InitOptions options_;
  GuestConfig config_;
  Phase phase_ = Phase::kStarting;
  int exit_code_ = 0;
  int signal_fd_ = -1;
  int listen_fd_ = -1;
  int output_fd_ = -1;
  int server_pid_ = 0;
  bool server_running_ = false;
  bool sent_kill_ = false;
  absl::Time ready_deadline_;
  absl::Time stop_deadline_;
  std::vector<std::string> mounted_;  // in mount order
  LineForwarder forwarder_{options_.console_fd, "server: "};
};

}  // namespace

int RunInit(const InitOptions& options) { return Init(options).Run(); }

}  // namespace perfcell::guest
