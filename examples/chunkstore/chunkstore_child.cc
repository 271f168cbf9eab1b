#include "examples/chunkstore/chunkstore_child.h"

#include <fcntl.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "re2/re2.h"

extern char** environ;

namespace chunkstore_test {
namespace {

constexpr char kBinary[] = "examples/chunkstore/chunkstore";

}  // namespace

std::string NewDir() {
  std::string tmpl = absl::StrCat(getenv("TEST_TMPDIR"), "/proc-XXXXXX");
  return mkdtemp(tmpl.data());
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

Child::Child(const std::vector<std::string>& args,
             const std::map<std::string, std::string>& env)
    : Child(kBinary, args, env) {}

Child::Child(const std::string& binary, const std::vector<std::string>& args,
             const std::map<std::string, std::string>& env)
    : dir_(NewDir()), log_(dir_ + "/stderr.log") {
  std::vector<std::string> envs;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string name(*e, strcspn(*e, "="));
    if (env.count(name) == 0) envs.push_back(*e);
  }
  for (const auto& [name, value] : env) {
    if (!value.empty()) envs.push_back(absl::StrCat(name, "=", value));
  }
  std::vector<std::string> argv = {binary};
  argv.insert(argv.end(), args.begin(), args.end());
  pid_ = fork();
  if (pid_ == 0) {
    rlimit no_core{0, 0};
    setrlimit(RLIMIT_CORE, &no_core);
    int fd = open(log_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(fd, 2);
    std::vector<char*> cargv, cenv;
    for (auto& a : argv) cargv.push_back(a.data());
    for (auto& e : envs) cenv.push_back(e.data());
    cargv.push_back(nullptr);
    cenv.push_back(nullptr);
    execve(binary.c_str(), cargv.data(), cenv.data());
    _exit(127);
  }
}

Child::~Child() {
  if (pid_ > 0 && !exited_) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
}

int Child::WaitListening() {
  for (int i = 0; i < 600; ++i) {
    int port = 0;
    if (RE2::PartialMatch(ReadAll(log_), R"(listening on 0\.0\.0\.0:(\d+))",
                          &port)) {
      return port;
    }
    if (waitpid(pid_, &status_, WNOHANG) == pid_) {
      exited_ = true;
      return 0;
    }
    absl::SleepFor(absl::Milliseconds(50));
  }
  return 0;
}

int Child::Wait() {
  if (!exited_) {
    waitpid(pid_, &status_, 0);
    exited_ = true;
  }
  return status_;
}

int Child::Terminate() {
  kill(pid_, SIGTERM);
  return Wait();
}

int64_t Child::PeakRssKib() const {
  std::string status = ReadAll(absl::StrCat("/proc/", pid_, "/status"));
  int64_t kib = -1;
  RE2::PartialMatch(status, R"(VmHWM:\s+(\d+) kB)", &kib);
  return kib;
}

int64_t CountRows(const std::string& db_path, const std::string& from) {
  sqlite3* db = nullptr;
  int64_t count = -1;
  if (sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) ==
      SQLITE_OK) {
    sqlite3_stmt* stmt = nullptr;
    std::string sql = absl::StrCat("SELECT COUNT(*) FROM ", from);
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW) {
      count = sqlite3_column_int64(stmt, 0);
    }
    sqlite3_finalize(stmt);
  }
  sqlite3_close(db);
  return count;
}

}  // namespace chunkstore_test
