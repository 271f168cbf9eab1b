// The part of the Vm interface that every guest backend (qemu, firecracker)
// answers the same way: by asking the guest init over its metrics endpoint
// (guest_client.h, proto/guest.proto).
//
//   class MyVm : public GuestVm {
//    public:
//     MyVm() : GuestVm("myvm: not started") {}
//     ...  // Start(), ServerUrl(), Health(), Stop(), BootSeconds(), Info()
//    private:
//     std::string MetricsUrl() const override;  // "http://127.0.0.1:41234"
//     bool Started() const override;            // Start() spawned the VM
//   };
//
// The host backend (host_vm.h) has no guest init and implements these itself.
#ifndef PERFCELL_RUNNER_VM_GUEST_VM_H_
#define PERFCELL_RUNNER_VM_GUEST_VM_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "proto/cell.pb.h"
#include "runner/vm/vm.h"

namespace perfcell {

class GuestVm : public Vm {
 public:
  // GET /metrics of the guest init.
  absl::StatusOr<GuestMetrics> Metrics() override;

  // GET /server of the guest init, asked once and kept; FailedPrecondition
  // with the backend's "not started" message before Start() spawned the VM.
  absl::StatusOr<std::vector<std::string>> ServerArgv() override;

  // POST /drop_caches of the guest init.
  absl::Status DropCaches() override;

  // POST /restart_server of the guest init.
  absl::Status RestartServer() override;

 protected:
  // `not_started_message`: the FailedPrecondition message of ServerArgv()
  // before the VM was started, e.g. "qemu: not started".
  explicit GuestVm(std::string not_started_message);

  // Base URL of the guest init's metrics endpoint (GET /metrics, GET
  // /server, POST /poweroff, ...) as the host reaches it.
  virtual std::string MetricsUrl() const = 0;

  // Whether Start() spawned the VM process (it may have ended since).
  virtual bool Started() const = 0;

 private:
  const std::string not_started_message_;
  std::vector<std::string> server_argv_;  // the guest's GET /server, once
};

}  // namespace perfcell

#endif  // PERFCELL_RUNNER_VM_GUEST_VM_H_
