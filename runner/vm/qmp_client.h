// A minimal client of QEMU's machine protocol (QMP) over a unix socket, for
// asking a running QEMU what state its guest is in.
//
//   ASSIGN_OR_RETURN(std::unique_ptr<QmpClient> qmp,
//                    QmpClient::Connect("/tmp/cell/qmp.sock",
//                                       absl::Seconds(2)));
//   ASSIGN_OR_RETURN(std::string status, qmp->QueryStatus(absl::Seconds(1)));
//   // "running"; "internal-error" after a KVM emulation failure;
//   // "guest-panicked", "shutdown", "paused", ...
//
// The protocol (QEMU's docs/interop/qmp-spec): the server greets with one
// JSON object {"QMP": ...}; the client sends {"execute": "qmp_capabilities"}
// and then commands, each answered by {"return": ...} or {"error": ...};
// asynchronous {"event": ...} objects may arrive in between and are skipped.
// Every message is one line.
#ifndef PERFCELL_RUNNER_VM_QMP_CLIENT_H_
#define PERFCELL_RUNNER_VM_QMP_CLIENT_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "google/protobuf/struct.pb.h"

namespace perfcell {

class QmpClient {
 public:
  // Connects to the QMP socket at `path` and negotiates capabilities.
  // Unavailable while the socket does not accept connections yet; other
  // errors when the peer does not speak QMP.
  static absl::StatusOr<std::unique_ptr<QmpClient>> Connect(
      const std::string& path, absl::Duration timeout);

  ~QmpClient();
  QmpClient(const QmpClient&) = delete;
  QmpClient& operator=(const QmpClient&) = delete;

  // Runs `command` (no arguments) and returns its "return" value.
  absl::StatusOr<google::protobuf::Value> Execute(const std::string& command,
                                                  absl::Duration timeout);

  // The run state from query-status: "running", "paused",
  // "internal-error", "guest-panicked", "shutdown", ...
  absl::StatusOr<std::string> QueryStatus(absl::Duration timeout);

 private:
  explicit QmpClient(int fd) : fd_(fd) {}
  // The next message that is not an event, parsed.
  absl::StatusOr<google::protobuf::Struct> ReadReply(absl::Time deadline);
  absl::StatusOr<std::string> ReadLine(absl::Time deadline);

  int fd_;
  std::string buffer_;
};

}  // namespace perfcell

#endif  // PERFCELL_RUNNER_VM_QMP_CLIENT_H_
