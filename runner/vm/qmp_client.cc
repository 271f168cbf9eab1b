#include "runner/vm/qmp_client.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "google/protobuf/util/json_util.h"
#include "tools/cc/errno_status.h"
#include "tools/cc/status_macros.h"

namespace perfcell {
namespace {

constexpr size_t kMaxLine = 1 << 20;

absl::Status WriteAll(int fd, const std::string& data) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = send(fd, data.data() + done, data.size() - done, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      return absl::UnavailableError(
          absl::StrCat("qmp: send failed: ", strerror(errno)));
    }
    done += n;
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<QmpClient>> QmpClient::Connect(
    const std::string& path, absl::Duration timeout) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof(addr.sun_path)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "qmp: socket path \"", path, "\" is longer than ",
        sizeof(addr.sun_path) - 1, " bytes; use a shorter work directory"));
  }
  memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    return ErrnoStatus(errno, "qmp: socket");
  }
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    int e = errno;
    close(fd);
    return absl::UnavailableError(
        absl::StrCat("qmp: cannot connect to \"", path, "\": ", strerror(e)));
  }
  std::unique_ptr<QmpClient> client(new QmpClient(fd));
  absl::Time deadline = absl::Now() + timeout;
  ASSIGN_OR_RETURN(std::string greeting, client->ReadLine(deadline));
  if (greeting.find("\"QMP\"") == std::string::npos) {
    return absl::FailedPreconditionError(
        absl::StrCat("qmp: \"", path,
                     "\" did not greet with QMP: ", greeting.substr(0, 80)));
  }
  RETURN_IF_ERROR(
      client->Execute("qmp_capabilities", deadline - absl::Now()).status());
  return client;
}

QmpClient::~QmpClient() { close(fd_); }

absl::StatusOr<std::string> QmpClient::ReadLine(absl::Time deadline) {
  while (true) {
    size_t eol = buffer_.find('\n');
    if (eol != std::string::npos) {
      std::string line = buffer_.substr(0, eol);
      buffer_.erase(0, eol + 1);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      return line;
    }
    if (buffer_.size() > kMaxLine) {
      return absl::DataLossError("qmp: a message longer than 1 MiB");
    }
    absl::Duration left = deadline - absl::Now();
    if (left <= absl::ZeroDuration()) {
      return absl::DeadlineExceededError("qmp: no answer in time");
    }
    pollfd p{fd_, POLLIN, 0};
    int ready =
        poll(&p, 1, static_cast<int>(absl::ToInt64Milliseconds(left)) + 1);
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) continue;  // the deadline check above ends it
    char chunk[4096];
    ssize_t n = read(fd_, chunk, sizeof(chunk));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      return absl::UnavailableError("qmp: QEMU closed the connection");
    }
    buffer_.append(chunk, n);
  }
}

absl::StatusOr<google::protobuf::Struct> QmpClient::ReadReply(
    absl::Time deadline) {
  while (true) {
    ASSIGN_OR_RETURN(std::string line, ReadLine(deadline));
    if (line.empty()) continue;
    google::protobuf::Struct message;
    google::protobuf::util::JsonParseOptions options;
    options.ignore_unknown_fields = true;
    if (!google::protobuf::util::JsonStringToMessage(line, &message, options)
             .ok()) {
      return absl::DataLossError(
          absl::StrCat("qmp: not a JSON object: ", line.substr(0, 80)));
    }
    if (message.fields().count("event") > 0) continue;
    return message;
  }
}

absl::StatusOr<google::protobuf::Value> QmpClient::Execute(
    const std::string& command, absl::Duration timeout) {
  absl::Time deadline = absl::Now() + timeout;
  RETURN_IF_ERROR(
      WriteAll(fd_, absl::StrCat("{\"execute\": \"", command, "\"}\n")));
  ASSIGN_OR_RETURN(google::protobuf::Struct reply, ReadReply(deadline));
  auto error = reply.fields().find("error");
  if (error != reply.fields().end()) {
    std::string text;
    // A reply that cannot be printed leaves `text` empty: the command's name
    // still says what failed.
    (void)google::protobuf::util::MessageToJsonString(error->second, &text);
    return absl::FailedPreconditionError(
        absl::StrCat("qmp: ", command, " failed: ", text));
  }
  auto ret = reply.fields().find("return");
  if (ret == reply.fields().end()) {
    return absl::DataLossError(
        absl::StrCat("qmp: ", command, " got neither return nor error"));
  }
  return ret->second;
}

absl::StatusOr<std::string> QmpClient::QueryStatus(absl::Duration timeout) {
  ASSIGN_OR_RETURN(google::protobuf::Value value,
                   Execute("query-status", timeout));
  auto status = value.struct_value().fields().find("status");
  if (status == value.struct_value().fields().end() ||
      status->second.kind_case() != google::protobuf::Value::kStringValue) {
    return absl::DataLossError("qmp: query-status answered without a status");
  }
  return status->second.string_value();
}

}  // namespace perfcell
