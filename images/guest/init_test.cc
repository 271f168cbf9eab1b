// perfcell-init on the host, as a process: the contract of proto/guest.proto
// as the runner sees it on the console and over HTTP.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "contract/guest_metrics.pb.h"
#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"
#include "proto/guest.pb.h"
#include "re2/re2.h"
#include "tools/cc/atomic_file.h"
#include "tools/cc/loopback_port.h"

namespace perfcell::guest {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

std::string Runfile(const std::string& path) {
  return absl::StrCat(std::getenv("TEST_SRCDIR"), "/perfcell/", path);
}

int FreePort() { return *PickFreeLoopbackPort(); }

// Sends `request` to 127.0.0.1:`port` and returns everything it answers.
std::string Exchange(int port, const std::string& request) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr = {};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    close(fd);
    return "";
  }
  (void)!write(fd, request.data(), request.size());
  std::string out;
  char buf[4096];
  ssize_t n;
  while ((n = read(fd, buf, sizeof(buf))) > 0) out.append(buf, n);
  close(fd);
  return out;
}

std::string Body(const std::string& response) {
  size_t at = response.find("\r\n\r\n");
  return at == std::string::npos ? "" : response.substr(at + 4);
}

class InitTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = absl::StrCat(
        std::getenv("TEST_TMPDIR"), "/",
        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    ASSERT_EQ(mkdir(root_.c_str(), 0755), 0);
    ASSERT_EQ(mkdir((root_ + "/tmp").c_str(), 0755), 0);
    server_port_ = FreePort();
    metrics_port_ = FreePort();
  }

  void TearDown() override {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    if (out_fd_ >= 0) close(out_fd_);
  }

  std::string Config(const std::string& argv, const std::string& extra) {
    return absl::StrCat(R"pb(
                          server {
                        )pb",
                        argv, R"pb(
                          port:)pb",
                        server_port_, R"pb(
        ready_timeout_seconds: 30
      }
                                  metrics_port: )pb",
                        metrics_port_, "\n", extra);
  }

  std::string TestServerArgv() {
    return absl::StrCat("argv: \"", Runfile("images/guest/test_server"),
                        "\" argv: \"", server_port_, "\"");
  }

  // Runs perfcell-init with `config_text` as its config and, when not
  // empty, `cmdline` as its kernel command line.
  void Start(const std::string& config_text, const std::string& cmdline = "") {
    std::string config = root_ + "/guest.textproto";
    ASSERT_TRUE(WriteFileAtomically(config, config_text).ok());
    std::string cmdline_file = "/nonexistent";
    if (!cmdline.empty()) {
      cmdline_file = root_ + "/cmdline";
      ASSERT_TRUE(WriteFileAtomically(cmdline_file, cmdline + "\n").ok());
    }
    int out[2];
    ASSERT_EQ(pipe(out), 0);
    pid_ = fork();
    ASSERT_GE(pid_, 0);
    if (pid_ == 0) {
      dup2(out[1], 1);
      close(out[0]);
      std::string bin = Runfile("images/guest/perfcell-init");
      execl(bin.c_str(), bin.c_str(), ("--root=" + root_).c_str(),
            ("--config=" + config).c_str(),
            ("--cmdline=" + cmdline_file).c_str(), "--no_mount", "--no_modules",
            "--no_network",
            ("--drop_caches_file=" + root_ + "/drop_caches").c_str(), nullptr);
      _exit(126);
    }
    close(out[1]);
    out_fd_ = out[0];
  }

  // Returns the next console line starting with `prefix` (lines before it
  // are kept in console_). Gives up after 60 s or at EOF, returning "".
  std::string WaitForLine(const std::string& prefix) {
    while (true) {
      size_t nl;
      while ((nl = pending_.find('\n')) != std::string::npos) {
        std::string line = pending_.substr(0, nl);
        pending_.erase(0, nl + 1);
        console_.push_back(line);
        if (absl::StartsWith(line, prefix)) return line;
      }
      pollfd p = {out_fd_, POLLIN, 0};
      if (poll(&p, 1, 60000) <= 0) return "";
      char buf[4096];
      ssize_t n = read(out_fd_, buf, sizeof(buf));
      if (n <= 0) return "";
      pending_.append(buf, n);
    }
  }

  // Waits for perfcell-init to exit and returns its exit status.
  int ExitCode() {
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  std::string ConsoleText() const { return absl::StrJoin(console_, "\n"); }

  std::string root_;
  int server_port_ = 0;
  int metrics_port_ = 0;
  pid_t pid_ = -1;
  int out_fd_ = -1;
  std::string pending_;
  std::vector<std::string> console_;
};

TEST_F(InitTest, ReadyThenMetricsThenPoweroff) {
  Start(Config(TestServerArgv(), ""));
  std::string ready = WaitForLine("PERFCELL READY");
  int uptime = 0, server_pid = 0;
  ASSERT_TRUE(RE2::FullMatch(
      ready, R"(PERFCELL READY uptime_ms=(\d+) server_pid=(\d+))", &uptime,
      &server_pid))
      << ConsoleText();
  EXPECT_GT(server_pid, 0);

  ASSERT_TRUE(
      WriteFileAtomically(root_ + "/tmp/multipart-1", std::string(100, 'x'))
          .ok());
  ASSERT_EQ(mkdir((root_ + "/tmp/sub").c_str(), 0755), 0);
  ASSERT_TRUE(
      WriteFileAtomically(root_ + "/tmp/sub/multipart-2", std::string(23, 'y'))
          .ok());
  std::string response =
      Exchange(metrics_port_, "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_THAT(response, StartsWith("HTTP/1.0 200 OK\r\n"));
  GuestMetrics metrics;
  ASSERT_TRUE(
      google::protobuf::TextFormat::ParseFromString(Body(response), &metrics))
      << response;
  EXPECT_GT(metrics.mem_total_bytes(), 0u);
  EXPECT_GT(metrics.mem_available_bytes(), 0u);
  EXPECT_EQ(metrics.tmp_leftover_files(), 2u);
  // The blocks the two files take on disk, as du counts them (not their
  // 100 + 23 bytes): what the guest and the host backend both report.
  uint64_t allocated = 0;
  for (const char* f : {"/tmp/multipart-1", "/tmp/sub/multipart-2"}) {
    struct stat st;
    ASSERT_EQ(stat((root_ + f).c_str(), &st), 0);
    allocated += static_cast<uint64_t>(st.st_blocks) * 512;
  }
  EXPECT_GT(allocated, 0u);
  EXPECT_EQ(metrics.tmp_leftover_bytes(), allocated);
  EXPECT_GT(metrics.server_rss_bytes(), 0u);

  EXPECT_THAT(Exchange(metrics_port_, "GET /nope HTTP/1.0\r\n\r\n"),
              StartsWith("HTTP/1.0 404"));
  EXPECT_THAT(Exchange(metrics_port_, "POST /poweroff HTTP/1.1\r\n\r\n"),
              StartsWith("HTTP/1.0 200 OK\r\n"));
  EXPECT_EQ(WaitForLine("PERFCELL SERVER_EXIT"),
            "PERFCELL SERVER_EXIT signal=15");
  EXPECT_EQ(WaitForLine("PERFCELL"), "PERFCELL POWEROFF");
  EXPECT_EQ(ExitCode(), 0);
  // The server's output, forwarded line by line (READY may come first).
  EXPECT_THAT(ConsoleText(),
              HasSubstr(absl::StrCat("\nserver: test_server listening on ",
                                     server_port_, "\n")));
  EXPECT_THAT(ConsoleText(),
              HasSubstr(absl::StrCat("\nserver: test_server TMPDIR=", root_,
                                     "/tmp\n")));
}

TEST_F(InitTest, TheNetworkComesFromTheKernelCommandLine) {
  // The config names no address: only the backend knows its network.
  Start(
      Config(TestServerArgv(), ""),
      "console=ttyS0 perfcell.net=172.16.0.2/24,172.16.0.1 perfcell.tmp=tmpfs");
  ASSERT_THAT(WaitForLine("PERFCELL READY"), StartsWith("PERFCELL READY"))
      << ConsoleText();
  EXPECT_THAT(ConsoleText(),
              HasSubstr("perfcell-init: network eth0 172.16.0.2/24 via "
                        "172.16.0.1\n"));
  Exchange(metrics_port_, "POST /poweroff HTTP/1.0\r\n\r\n");
  EXPECT_EQ(ExitCode(), 0);
}

TEST_F(InitTest, AMalformedNetworkIsAnError) {
  Start(Config(TestServerArgv(), ""), "console=ttyS0 perfcell.net=172.16.0.2");
  std::string error = WaitForLine("PERFCELL ERROR");
  EXPECT_THAT(error, HasSubstr("perfcell.net=\"172.16.0.2\""));
  EXPECT_THAT(error, HasSubstr("expected <ip>/<prefix>[,<gateway>]"));
  EXPECT_THAT(ConsoleText(), Not(HasSubstr("PERFCELL READY")));
  EXPECT_EQ(WaitForLine("PERFCELL POWEROFF"), "PERFCELL POWEROFF");
  EXPECT_EQ(ExitCode(), 1);
}

TEST_F(InitTest, ServerAnswersTheArgvTheServerReceived) {
  // Arguments a shell or a naive encoding would mangle: spaces, quotes, a
  // backslash, a newline, an empty one.
  Start(Config(absl::StrCat(TestServerArgv(),
                            R"pb(argv: "--sync=off"
                                 argv: "two words"
                                 argv: "q\"uote\\d"
                                 argv: "line\nbreak"
                                 argv: ""
                                 env: "PS_SHARED_SECRET=hunter2")pb"),
               ""));
  ASSERT_THAT(WaitForLine("PERFCELL READY"), StartsWith("PERFCELL READY"))
      << ConsoleText();
  // What the server process itself says it got, NUL after each argument.
  const std::string received = Exchange(server_port_, "argv\n");
  std::vector<std::string> server_says = absl::StrSplit(received, '\0');
  ASSERT_EQ(server_says.size(), 8u) << received;  // "" after the last NUL
  server_says.pop_back();

  const std::string response =
      Exchange(metrics_port_, "GET /server HTTP/1.0\r\n\r\n");
  EXPECT_THAT(response, StartsWith("HTTP/1.0 200 OK\r\n"));
  ServerCommand reported;
  ASSERT_TRUE(
      google::protobuf::TextFormat::ParseFromString(Body(response), &reported))
      << response;
  EXPECT_THAT(reported.argv(),
              ElementsAre(Runfile("images/guest/test_server"),
                          absl::StrCat(server_port_), "--sync=off", "two words",
                          "q\"uote\\d", "line\nbreak", ""));
  EXPECT_EQ(
      std::vector<std::string>(reported.argv().begin(), reported.argv().end()),
      server_says);
  EXPECT_EQ(reported.port(), static_cast<uint32_t>(server_port_));
  EXPECT_THAT(reported.env(), Contains(absl::StrCat("TMPDIR=", root_, "/tmp")));
  // Anyone who reaches the metrics port may read this: no secret's value.
  EXPECT_THAT(reported.env(), Contains("PS_SHARED_SECRET=<redacted>"));
  EXPECT_THAT(response, Not(HasSubstr("hunter2")));
  EXPECT_THAT(Exchange(metrics_port_, "POST /server HTTP/1.0\r\n\r\n"),
              StartsWith("HTTP/1.0 405"));
  kill(pid_, SIGTERM);
  EXPECT_EQ(WaitForLine("PERFCELL POWEROFF"), "PERFCELL POWEROFF");
  EXPECT_EQ(ExitCode(), 0);
}

TEST_F(InitTest, DropCachesWritesThreeAfterSync) {
  ASSERT_TRUE(WriteFileAtomically(root_ + "/drop_caches", "").ok());
  Start(Config(TestServerArgv(), ""));
  ASSERT_THAT(WaitForLine("PERFCELL READY"), StartsWith("PERFCELL READY"));
  EXPECT_THAT(Exchange(metrics_port_, "GET /drop_caches HTTP/1.0\r\n\r\n"),
              StartsWith("HTTP/1.0 405"));
  EXPECT_THAT(Exchange(metrics_port_, "POST /drop_caches HTTP/1.0\r\n\r\n"),
              StartsWith("HTTP/1.0 200 OK\r\n"));
  EXPECT_EQ(*ReadFile(root_ + "/drop_caches"), "3\n");
  // The server keeps running: a cold read follows.
  EXPECT_THAT(WaitForLine("perfcell-init: page cache dropped"),
              StartsWith("perfcell-init"));
  ASSERT_EQ(unlink((root_ + "/drop_caches").c_str()), 0);
  ASSERT_EQ(mkdir((root_ + "/drop_caches").c_str(), 0755), 0);
  std::string failed =
      Exchange(metrics_port_, "POST /drop_caches HTTP/1.0\r\n\r\n");
  EXPECT_THAT(failed, StartsWith("HTTP/1.0 500"));
  EXPECT_THAT(Body(failed), HasSubstr("dropping the page cache: writing 3 to"));
  kill(pid_, SIGTERM);
  EXPECT_EQ(WaitForLine("PERFCELL POWEROFF"), "PERFCELL POWEROFF");
  EXPECT_EQ(ExitCode(), 0);
}

TEST_F(InitTest, RestartServerStartsANewServerProcessOnTheSamePort) {
  Start(Config(TestServerArgv(), "poweroff_on_server_exit: true"));
  ASSERT_THAT(WaitForLine("PERFCELL READY"), StartsWith("PERFCELL READY"));
  const std::string first = Exchange(server_port_, "pid\n");
  ASSERT_FALSE(first.empty());
  EXPECT_THAT(Exchange(metrics_port_, "GET /restart_server HTTP/1.0\r\n\r\n"),
              StartsWith("HTTP/1.0 405"));

  const std::string answer =
      Exchange(metrics_port_, "POST /restart_server HTTP/1.0\r\n\r\n");
  EXPECT_THAT(answer, StartsWith("HTTP/1.0 200 OK\r\n"));
  // Answered only once the new server listens: it answers at once.
  const std::string second = Exchange(server_port_, "pid\n");
  ASSERT_FALSE(second.empty());
  EXPECT_NE(second, first);
  EXPECT_EQ(Body(answer), absl::StrCat("server restarted: pid ", first, " -> ",
                                       second, "\n"));
  // Restarted with the same arguments and environment, and the old one was
  // stopped by SIGTERM; a planned stop is no SERVER_EXIT (no crash) and does
  // not power off.
  EXPECT_THAT(WaitForLine("perfcell-init: server restarted"),
              HasSubstr(absl::StrCat("pid ", second)));
  EXPECT_THAT(ConsoleText(),
              HasSubstr(absl::StrCat("server pid ", first,
                                     " stopped for a restart (signal=15)")));
  EXPECT_THAT(ConsoleText(), Not(HasSubstr("SERVER_EXIT")));
  // /metrics follows the new server.
  GuestMetrics metrics;
  ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(
      Body(Exchange(metrics_port_, "GET /metrics HTTP/1.0\r\n\r\n")),
      &metrics));
  EXPECT_GT(metrics.server_rss_bytes(), 0u);

  // The new server is the one whose exit counts.
  Exchange(server_port_, "exit 4\n");
  EXPECT_EQ(WaitForLine("PERFCELL"), "PERFCELL SERVER_EXIT code=4");
  EXPECT_EQ(WaitForLine("PERFCELL"), "PERFCELL POWEROFF");
  EXPECT_EQ(ExitCode(), 0);
  // Both servers' output reached the console: the same port, the same
  // environment.
  EXPECT_EQ(std::count(console_.begin(), console_.end(),
                       absl::StrCat("server: test_server listening on ",
                                    server_port_)),
            2);
  EXPECT_EQ(
      std::count(console_.begin(), console_.end(),
                 absl::StrCat("server: test_server TMPDIR=", root_, "/tmp")),
      2);
  EXPECT_EQ(std::count_if(console_.begin(), console_.end(),
                          [](const std::string& line) {
                            return absl::StartsWith(line,
                                                    "PERFCELL SERVER_EXIT");
                          }),
            1)
      << ConsoleText();
}

TEST_F(InitTest, RestartKillsAServerThatIgnoresSigterm) {
  Start(Config(TestServerArgv(), ""));
  ASSERT_THAT(WaitForLine("PERFCELL READY"), StartsWith("PERFCELL READY"));
  const std::string first = Exchange(server_port_, "pid\n");
  ASSERT_EQ(Exchange(server_port_, "ignore SIGTERM\n"), "ok");
  const std::string answer =
      Exchange(metrics_port_, "POST /restart_server HTTP/1.0\r\n\r\n");
  EXPECT_THAT(answer, StartsWith("HTTP/1.0 200 OK\r\n"));
  const std::string second = Exchange(server_port_, "pid\n");
  EXPECT_NE(second, first);
  EXPECT_THAT(WaitForLine("perfcell-init: server restarted"),
              HasSubstr(absl::StrCat("pid ", second)));
  EXPECT_THAT(ConsoleText(), HasSubstr("for a restart; sending SIGKILL"));
  EXPECT_THAT(ConsoleText(), HasSubstr("stopped for a restart (signal=9)"));
  kill(pid_, SIGTERM);
  EXPECT_EQ(WaitForLine("PERFCELL POWEROFF"), "PERFCELL POWEROFF");
  EXPECT_EQ(ExitCode(), 0);
}

TEST_F(InitTest, RestartOfAServerThatEndedIsRefused) {
  Start(Config(TestServerArgv(), "poweroff_on_server_exit: false"));
  ASSERT_THAT(WaitForLine("PERFCELL READY"), StartsWith("PERFCELL READY"));
  Exchange(server_port_, "exit 2\n");
  EXPECT_EQ(WaitForLine("PERFCELL"), "PERFCELL SERVER_EXIT code=2");
  const std::string answer =
      Exchange(metrics_port_, "POST /restart_server HTTP/1.0\r\n\r\n");
  EXPECT_THAT(answer, StartsWith("HTTP/1.0 409"));
  EXPECT_THAT(Body(answer), HasSubstr("the server is not running"));
  EXPECT_EQ(Exchange(server_port_, "pid\n"), "");  // nothing started
  kill(pid_, SIGTERM);
  EXPECT_EQ(WaitForLine("PERFCELL POWEROFF"), "PERFCELL POWEROFF");
  EXPECT_EQ(ExitCode(), 0);
}

TEST_F(InitTest, ServerExitCodeIsReportedAndPowersOff) {
  Start(Config(TestServerArgv(), "poweroff_on_server_exit: true"));
  ASSERT_THAT(WaitForLine("PERFCELL READY"), StartsWith("PERFCELL READY"));
  Exchange(server_port_, "exit 3\n");
  EXPECT_EQ(WaitForLine("PERFCELL"), "PERFCELL SERVER_EXIT code=3");
  EXPECT_EQ(WaitForLine("PERFCELL"), "PERFCELL POWEROFF");
  EXPECT_EQ(ExitCode(), 0);
}

TEST_F(InitTest, WithoutPoweroffOnExitMetricsStayUp) {
  Start(Config(TestServerArgv(), "poweroff_on_server_exit: false"));
  ASSERT_THAT(WaitForLine("PERFCELL READY"), StartsWith("PERFCELL READY"));
  Exchange(server_port_, "exit 0\n");
  EXPECT_EQ(WaitForLine("PERFCELL"), "PERFCELL SERVER_EXIT code=0");
  GuestMetrics metrics;
  ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(
      Body(Exchange(metrics_port_, "GET /metrics HTTP/1.0\r\n\r\n")),
      &metrics));
  EXPECT_GT(metrics.mem_total_bytes(), 0u);
  EXPECT_EQ(metrics.server_rss_bytes(), 0u);
  EXPECT_THAT(Exchange(metrics_port_, "POST /poweroff HTTP/1.0\r\n\r\n"),
              StartsWith("HTTP/1.0 200"));
  EXPECT_EQ(WaitForLine("PERFCELL"), "PERFCELL POWEROFF");
  EXPECT_EQ(ExitCode(), 0);
}

TEST_F(InitTest, ServerThatNeverListensIsAnError) {
  Start(absl::StrCat(R"pb(
                       server { argv: "/bin/sleep" argv: "60" port:)pb",
                     server_port_, R"pb(
      ready_timeout_seconds: 0.3
    }
  )pb"));
  EXPECT_THAT(WaitForLine("PERFCELL"),
              HasSubstr(absl::StrCat("PERFCELL ERROR server did not accept "
                                     "connections on 127.0.0.1:",
                                     server_port_)));
  EXPECT_EQ(WaitForLine("PERFCELL"), "PERFCELL SERVER_EXIT signal=15");
  EXPECT_EQ(WaitForLine("PERFCELL"), "PERFCELL POWEROFF");
  EXPECT_EQ(ExitCode(), 1);
}

TEST_F(InitTest, ServerThatCannotStartIsAnError) {
  Start(Config("argv: \"/nonexistent/server\"", ""));
  EXPECT_EQ(WaitForLine("PERFCELL"),
            "PERFCELL ERROR starting the server /nonexistent/server in /: "
            "No such file or directory");
  EXPECT_EQ(WaitForLine("PERFCELL"), "PERFCELL POWEROFF");
  EXPECT_EQ(ExitCode(), 1);
}

TEST_F(InitTest, BadConfigIsAnError) {
  Start("server { port: 1 }\n");
  std::string line = WaitForLine("PERFCELL");
  EXPECT_THAT(line, StartsWith("PERFCELL ERROR guest config"));
  EXPECT_THAT(line, HasSubstr("server.argv: is empty"));
  EXPECT_EQ(WaitForLine("PERFCELL"), "PERFCELL POWEROFF");
  EXPECT_EQ(ExitCode(), 1);
}

// Zombie children of `pid` right now, from /proc/*/stat.
int ZombieChildren(pid_t pid) {
  int zombies = 0;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    absl::StatusOr<std::string> stat =
        ReadFile(entry.path().string() + "/stat");
    if (!stat.ok()) continue;
    // "pid (comm) S ppid ...": fields after the last ')'.
    size_t paren = stat->rfind(')');
    if (paren == std::string::npos || paren + 2 >= stat->size()) continue;
    std::vector<std::string> fields =
        absl::StrSplit(stat->substr(paren + 2), ' ');
    if (fields.size() > 1 && fields[0] == "Z" &&
        fields[1] == std::to_string(pid)) {
      ++zombies;
    }
  }
  return zombies;
}

TEST_F(InitTest, OrphansOfTheServerAreReaped) {
  const std::string marker = root_ + "/orphan-ran";
  Start(Config(absl::StrCat("argv: \"/bin/sh\" argv: \"-c\" argv: \"",
                            "( (/bin/sh -c 'touch ", marker, "') & ); exec ",
                            Runfile("images/guest/test_server"), " ",
                            server_port_, "\""),
               ""));
  ASSERT_THAT(WaitForLine("PERFCELL READY"), StartsWith("PERFCELL READY"));
  // The orphan has run once its marker exists; then it must not linger as
  // a zombie of perfcell-init. Polls for at most 10 s.
  for (int i = 0; i < 200 && access(marker.c_str(), F_OK) != 0; ++i) {
    usleep(50000);
  }
  ASSERT_EQ(access(marker.c_str(), F_OK), 0) << ConsoleText();
  int zombies = 1;
  for (int i = 0; i < 200 && (zombies = ZombieChildren(pid_)) > 0; ++i) {
    usleep(50000);
  }
  EXPECT_EQ(zombies, 0);
  kill(pid_, SIGTERM);
  EXPECT_EQ(WaitForLine("PERFCELL POWEROFF"), "PERFCELL POWEROFF");
  EXPECT_EQ(ExitCode(), 0);
}

TEST_F(InitTest, SigtermPowersOffCleanly) {
  Start(Config(TestServerArgv(), ""));
  ASSERT_THAT(WaitForLine("PERFCELL READY"), StartsWith("PERFCELL READY"));
  kill(pid_, SIGTERM);
  EXPECT_EQ(WaitForLine("PERFCELL"), "PERFCELL SERVER_EXIT signal=15");
  EXPECT_EQ(WaitForLine("PERFCELL"), "PERFCELL POWEROFF");
  EXPECT_EQ(ExitCode(), 0);
}

}  // namespace
}  // namespace perfcell::guest
