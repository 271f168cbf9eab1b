// QmpClient against a peer that speaks QMP as QEMU does (greeting,
// capabilities negotiation, events between replies) on a real unix socket.
#include "runner/vm/qmp_client.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace perfcell {
namespace {

class FakeQmp {
 public:
  // Serves one connection: greeting, then answers in order to each line.
  FakeQmp(std::string path, std::vector<std::string> replies)
      : path_(std::move(path)) {
    listener_ = socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    strncpy(addr.sun_path, path_.c_str(), sizeof(addr.sun_path) - 1);
    unlink(path_.c_str());
    EXPECT_EQ(bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)),
              0);
    EXPECT_EQ(listen(listener_, 1), 0);
    thread_ = std::thread([this, replies] {
      int fd = accept(listener_, nullptr, nullptr);
      if (fd < 0) return;
      Send(fd,
           "{\"QMP\": {\"version\": {\"qemu\": {\"major\": 7}}, "
           "\"capabilities\": [\"oob\"]}}\r\n");
      std::string in;
      for (const std::string& reply : replies) {
        while (in.find('\n') == std::string::npos) {
          char c[256];
          ssize_t n = read(fd, c, sizeof(c));
          if (n <= 0) {
            close(fd);
            return;
          }
          in.append(c, n);
        }
        received_.push_back(in.substr(0, in.find('\n')));
        in.erase(0, in.find('\n') + 1);
        Send(fd, reply);
      }
      close(fd);
    });
  }
  ~FakeQmp() {
    shutdown(listener_, SHUT_RDWR);
    thread_.join();
    close(listener_);
  }
  const std::vector<std::string>& received() const { return received_; }

 private:
  static void Send(int fd, const std::string& s) {
    ASSERT_EQ(write(fd, s.data(), s.size()), static_cast<ssize_t>(s.size()));
  }
  std::string path_;
  int listener_;
  std::thread thread_;
  std::vector<std::string> received_;
};

std::string SocketPath(const char* name) {
  return std::string("/tmp/perfcell-qmp-test-") + std::to_string(getpid()) +
         name;
}

TEST(QmpClient, ReportsTheRunStateAfterAnInternalError) {
  std::string path = SocketPath("a");
  std::vector<std::string> received;
  {
    FakeQmp fake(path,
                 {"{\"return\": {}}\r\n",
                  "{\"timestamp\": {\"seconds\": 1}, \"event\": \"STOP\"}\r\n"
                  "{\"return\": {\"status\": \"internal-error\", "
                  "\"singlestep\": false, \"running\": false}}\r\n"});
    absl::StatusOr<std::unique_ptr<QmpClient>> qmp =
        QmpClient::Connect(path, absl::Seconds(5));
    ASSERT_TRUE(qmp.ok()) << qmp.status();
    absl::StatusOr<std::string> status = (*qmp)->QueryStatus(absl::Seconds(5));
    ASSERT_TRUE(status.ok()) << status.status();
    EXPECT_EQ(*status, "internal-error");
    qmp->reset();
    received = fake.received();
  }
  ASSERT_EQ(received.size(), 2u);
  EXPECT_EQ(received[0], "{\"execute\": \"qmp_capabilities\"}");
  EXPECT_EQ(received[1], "{\"execute\": \"query-status\"}");
  unlink(path.c_str());
}

TEST(QmpClient, ErrorsAreStatuses) {
  std::string path = SocketPath("b");
  FakeQmp fake(path, {"{\"return\": {}}\r\n",
                      "{\"error\": {\"class\": \"CommandNotFound\", "
                      "\"desc\": \"nope\"}}\r\n"});
  absl::StatusOr<std::unique_ptr<QmpClient>> qmp =
      QmpClient::Connect(path, absl::Seconds(5));
  ASSERT_TRUE(qmp.ok()) << qmp.status();
  absl::StatusOr<std::string> status = (*qmp)->QueryStatus(absl::Seconds(5));
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.status().message().find("CommandNotFound"),
            std::string::npos);
  qmp->reset();
  unlink(path.c_str());
}

TEST(QmpClient, NoSocketIsUnavailable) {
  absl::StatusOr<std::unique_ptr<QmpClient>> qmp =
      QmpClient::Connect("/tmp/perfcell-no-such-socket", absl::Seconds(1));
  EXPECT_TRUE(absl::IsUnavailable(qmp.status())) << qmp.status();
}

}  // namespace
}  // namespace perfcell
