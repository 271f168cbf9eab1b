// One cell of a matrix, start to end: boot a fresh VM for the cell's memory
// size, run the workload against the server inside it, and keep the result
// (result.pb, result.json, console.log) in the output directory, rewritten
// after every iteration.
//
//   CellOptions options = ...;   // from the cell test's flags
//   absl::Status s = RunCell(options, std::cout);
//   // s is OK only when the VM booted, every iteration succeeded, the guest
//   // reported nothing wrong and the sha256 check passed.
#ifndef PERFCELL_RUNNER_CELL_CELL_RUNNER_H_
#define PERFCELL_RUNNER_CELL_CELL_RUNNER_H_

#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "proto/cell.pb.h"

namespace perfcell {

struct CellOptions {
  CellSpec spec;
  std::string out_dir;   // results and console log
  std::string work_dir;  // scratch: the data disk, sockets
  // Guest images (qemu, firecracker).
  std::string kernel;
  std::string kernel_package;  // "linux-image-... 6.1.176-1 <sha256>"
  std::string initramfs;
  std::string base_image;
  std::string payload_image;
  std::string data_image_template;  // copied sparsely for each cell
  std::string cache_mode;           // "" = the backend's default
  std::string qemu_accel = "auto";
  // Firecracker: its binary and the tap device the guest's eth0 uses (with
  // the guest's address); Firecracker has no user-mode network.
  std::string firecracker_binary;
  std::string tap_device;
  std::string guest_ip;
  // The server executable (hashed into provenance; run by the host backend
  // with host_args, where {port}, {data_dir}, {tmp_dir} are substituted).
  std::string server_binary;
  std::vector<std::string> host_args;
  std::string shared_secret;
  std::string bazel_target;
};

// Runs the cell. Progress lines (one per iteration) go to `progress`;
// warnings about the host go to std::cerr before the VM starts.
absl::Status RunCell(const CellOptions& options, std::ostream& progress);

}  // namespace perfcell

#endif  // PERFCELL_RUNNER_CELL_CELL_RUNNER_H_
