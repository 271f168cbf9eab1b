// An in-test stand-in for Firecracker's API server: the documented routes of
// src/firecracker/swagger/firecracker.yaml over a real unix socket, holding
// the same line as the real one. It refuses, with 400 and a
// {"fault_message": ...} body:
//   - unknown fields, missing required fields, wrong JSON types, values
//     outside an enum (cache_type, io_engine, action_type, huge_pages, ...);
//   - a kernel, initrd or drive file that cannot be opened;
//   - a second root device, a drive or interface id that differs between the
//     path and the body;
//   - mem_size_mib 0, vcpu_count outside 1..32, an odd count above 1 with smt;
//   - InstanceStart before PUT /boot-source, a second InstanceStart, and
//     pre-boot-only routes (boot-source, drives, machine-config,
//     network-interfaces) once started; SendCtrlAltDel before the start.
// Documented routes it does not emulate (balloon, vsock, snapshots, ...) are
// refused with a fault saying so, never silently accepted.
//
// It runs no kernel: InstanceStart calls `on_instance_start` with what was
// configured, and the caller (fake_firecracker's main) plays the guest.
//
//   FakeFirecrackerApiOptions options;
//   options.socket_path = dir + "/api.sock";
//   ASSIGN_OR_RETURN(auto api, FakeFirecrackerApi::Listen(options));
//   // PUT /actions {"action_type": "InstanceStart"} on dir/api.sock, before
//   // any PUT /boot-source, answers 400 {"fault_message": "Cannot start
//   // microvm without kernel configuration."}
#ifndef PERFCELL_RUNNER_VM_FIRECRACKER_TESTING_FAKE_FIRECRACKER_API_H_
#define PERFCELL_RUNNER_VM_FIRECRACKER_TESTING_FAKE_FIRECRACKER_API_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "runner/vm/firecracker_testing/http_server.h"

namespace perfcell {
namespace firecracker_testing {

struct FakeDrive {
  std::string drive_id;
  std::string path_on_host;
  bool is_root_device = false;
  bool is_read_only = false;
  std::string cache_type = "Unsafe";  // Firecracker's default
};

struct FakeNetworkInterface {
  std::string iface_id;
  std::string host_dev_name;
  std::string guest_mac;
};

// What the API was told before InstanceStart.
struct FakeMachine {
  std::string kernel_image_path;
  std::string initrd_path;
  std::string boot_args;
  // In guest order: the root device first (/dev/vda), then the others in the
  // order they were first put, as Firecracker attaches them.
  std::vector<FakeDrive> drives;
  std::vector<FakeNetworkInterface> network_interfaces;
  uint64_t vcpu_count = 1;  // Firecracker's defaults
  uint64_t mem_size_mib = 128;
  bool smt = false;
};

// One request as received, with the status it was answered with.
struct RecordedRequest {
  std::string method;
  std::string path;
  std::string body;
  int status = 0;
};

struct FakeFirecrackerApiOptions {
  std::string socket_path;  // must not exist yet
  // When set, every request is also appended to this file as one JSON
  // object a line: {"method", "path", "status", "body"} (body as a string).
  std::string request_log;
  std::string vmm_version = "1.7.0";
  // Called on InstanceStart, before its 204 is sent: the guest runs by then.
  std::function<void(const FakeMachine&)> on_instance_start;
  // Called once SendCtrlAltDel has been answered (204).
  std::function<void()> on_ctrl_alt_del;
};

class FakeFirecrackerApi {
 public:
  static absl::StatusOr<std::unique_ptr<FakeFirecrackerApi>> Listen(
      FakeFirecrackerApiOptions options);

  std::vector<RecordedRequest> requests() const;
  bool started() const;
  FakeMachine machine() const;

 private:
  explicit FakeFirecrackerApi(FakeFirecrackerApiOptions options);
  HttpResponse Handle(const HttpRequest& request);
  HttpResponse Route(const HttpRequest& request)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  HttpResponse PutBootSource(const std::string& body)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  HttpResponse PutDrive(const std::string& id, const std::string& body)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  HttpResponse PutMachineConfig(const std::string& body)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  HttpResponse PutNetworkInterface(const std::string& id,
                                   const std::string& body)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  HttpResponse PutAction(const std::string& body)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  HttpResponse DescribeInstance() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  HttpResponse DescribeMachineConfig() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void Record(const HttpRequest& request, int status)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const FakeFirecrackerApiOptions options_;
  mutable absl::Mutex mu_;
  FakeMachine machine_ ABSL_GUARDED_BY(mu_);
  bool started_ ABSL_GUARDED_BY(mu_) = false;
  // Set by InstanceStart; booted by Handle() once the lock is released.
  std::optional<FakeMachine> pending_boot_ ABSL_GUARDED_BY(mu_);
  std::vector<RecordedRequest> requests_ ABSL_GUARDED_BY(mu_);
  // Last member: destroyed first, so no request runs on a dying object.
  std::unique_ptr<HttpServer> server_;
};

}  // namespace firecracker_testing
}  // namespace perfcell

#endif  // PERFCELL_RUNNER_VM_FIRECRACKER_TESTING_FAKE_FIRECRACKER_API_H_
