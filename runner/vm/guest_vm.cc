#include "runner/vm/guest_vm.h"

#include <utility>

#include "runner/vm/guest_client.h"
#include "tools/cc/status_macros.h"

namespace perfcell {

GuestVm::GuestVm(std::string not_started_message)
    : not_started_message_(std::move(not_started_message)) {}

absl::StatusOr<GuestMetrics> GuestVm::Metrics() {
  return FetchGuestMetrics(MetricsUrl());
}

absl::StatusOr<std::vector<std::string>> GuestVm::ServerArgv() {
  if (!Started()) return absl::FailedPreconditionError(not_started_message_);
  if (server_argv_.empty()) {
    ASSIGN_OR_RETURN(server_argv_, FetchGuestServerArgv(MetricsUrl()));
  }
  return server_argv_;
}

absl::Status GuestVm::DropCaches() {
  return RequestGuestDropCaches(MetricsUrl());
}

absl::Status GuestVm::RestartServer() {
  return RequestGuestRestartServer(MetricsUrl());
}

}  // namespace perfcell
