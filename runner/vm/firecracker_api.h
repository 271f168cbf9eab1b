// A client for Firecracker's API on its unix socket: the pre-boot
// configuration requests perfcell makes, each a typed struct turned into the
// JSON body documented in firecracker.yaml, and each API refusal turned into
// a status naming the route and Firecracker's fault_message.
//
//   FirecrackerApi api("/tmp/work/firecracker.sock");
//   RETURN_IF_ERROR(api.PutMachineConfig({.vcpu_count = 2,
//                                         .mem_size_mib = 512}));
//   // on a refusal: FailedPrecondition "Firecracker API PUT /machine-config
//   // refused (HTTP 400): The memory size (MiB) is invalid."
#ifndef PERFCELL_RUNNER_VM_FIRECRACKER_API_H_
#define PERFCELL_RUNNER_VM_FIRECRACKER_API_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace perfcell {

// PUT /boot-source. Empty initrd_path / boot_args are left out.
struct BootSource {
  std::string kernel_image_path;
  std::string initrd_path;
  std::string boot_args;
};

// PUT /drives/{drive_id}: a virtio-block drive backed by a host file.
struct Drive {
  std::string drive_id;  // alphanumerics and '_'
  std::string path_on_host;
  bool is_root_device = false;
  bool is_read_only = false;
  std::string cache_type;  // "Unsafe" or "Writeback"
};

// PUT /machine-config.
struct MachineConfig {
  uint32_t vcpu_count = 1;
  uint32_t mem_size_mib = 128;
};

// PUT /network-interfaces/{iface_id}. Empty guest_mac is left out.
struct NetworkInterface {
  std::string iface_id;       // "eth0"
  std::string host_dev_name;  // the tap device, "tap0"
  std::string guest_mac;      // "AA:FC:00:00:00:01"
};

// The JSON bodies, as sent (exposed for tests and logs).
std::string BootSourceJson(const BootSource& boot_source);
std::string DriveJson(const Drive& drive);
std::string MachineConfigJson(const MachineConfig& config);
std::string NetworkInterfaceJson(const NetworkInterface& iface);
std::string ActionJson(absl::string_view action_type);

class FirecrackerApi {
 public:
  explicit FirecrackerApi(std::string socket_path,
                          absl::Duration timeout = absl::Seconds(10))
      : socket_path_(std::move(socket_path)), timeout_(timeout) {}

  absl::Status PutBootSource(const BootSource& boot_source);
  absl::Status PutDrive(const Drive& drive);
  absl::Status PutMachineConfig(const MachineConfig& config);
  absl::Status PutNetworkInterface(const NetworkInterface& iface);
  // PUT /actions: "InstanceStart", "SendCtrlAltDel" or "FlushMetrics".
  absl::Status PutAction(absl::string_view action_type);

  // PUT `route` with `json_body`; OK on 2xx. A 4xx/5xx becomes
  // FailedPrecondition "Firecracker API PUT <route> refused (HTTP <n>):
  // <fault_message>"; no answer at all becomes Unavailable.
  absl::Status Put(absl::string_view route, const std::string& json_body);

  const std::string& socket_path() const { return socket_path_; }

 private:
  std::string socket_path_;
  absl::Duration timeout_;
};

}  // namespace perfcell

#endif  // PERFCELL_RUNNER_VM_FIRECRACKER_API_H_
