// One cell of a matrix, start to end. A cell holds one branch (sequential
// mode) or every branch of the matrix and the A/A copy of the baseline
// (interleaved mode), and runs in blocks: each block runs every branch once,
// in an order drawn from the design's seed (block_order.h); in an adaptive
// cell a branch whose comparison has settled leaves it, and later blocks run
// the baseline and the open branches (adaptive_stop.h). A run is one
// branch's turn: `warmup_iterations` warm-up requests, then `iterations`
// measured ones, against
//   isolation VM       a VM booted for this run alone, with a fresh data disk;
//   isolation SESSION  the branch's VM, booted at its first run and kept.
// With interleave REQUESTS (lockstep, interleaved cells' default) every run
// of a block is started first (VMs booted one after another, all up at
// once), then each run's workload goes in its own thread and the runs take
// turns one iteration at a time, in the block's order (turnstile.h): the
// branches' requests alternate, so a slow second of the machine lands on
// every branch alike instead of on whichever run it fell in. Only one thread
// does anything at a time, so the client side is what it is in a single
// run. With interleave RUNS each run goes through whole, one after another.
// Results (result.pb, result.json, one console log per VM) are rewritten in
// the output directory after every iteration (at most once a second, see
// ResultFile::SaveIfDue) and every block; every Iteration carries its
// block, run and branch, and CellResult.blocks records each block's order
// and how each run ended.
//
//   CellOptions options = ...;   // from the cell test's flags
//   absl::Status s = RunCell(options, std::cout);
//   // s is OK only when every run booted, every iteration succeeded, the
//   // guests reported nothing wrong and the sha256 checks passed. The first
//   // failed run ends the cell (its block is incomplete).
#ifndef PERFCELL_RUNNER_CELL_CELL_RUNNER_H_
#define PERFCELL_RUNNER_CELL_CELL_RUNNER_H_

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "proto/cell.pb.h"

namespace perfcell {

// One branch of a cell: what is recorded about it and where its files are.
struct BranchInput {
  Binary binary;              // branch, label, commit; args: host backend
  std::string server_binary;  // hashed into provenance; the host backend
                              // runs it with binary.args, where {port},
                              // {data_dir}, {tmp_dir} are substituted
  std::string payload_image;  // qemu, firecracker: the branch's payload disk
  // qemu, firecracker: the arguments the payload should give the server
  // (BranchFiles.expected_args); checked against what the guest reports.
  std::vector<std::string> expected_args;
};

struct CellOptions {
  // Workload, memory, backend, design; `binaries` is filled from `branches`.
  CellSpec spec;
  std::vector<BranchInput> branches;
  std::string out_dir;   // results and console logs
  std::string work_dir;  // scratch: data disks, sockets
  // Guest images (qemu, firecracker).
  std::string kernel;
  std::string kernel_package;  // "linux-image-... 6.1.176-1 <sha256>"
  std::string initramfs;
  std::string base_image;
  // Each run's fresh data disk: made by `mkext4` (an empty ext4 of
  // `data_disk_size`, sparse, in milliseconds), or copied sparsely from
  // `data_image_template` when that is given.
  std::string mkext4;
  std::string data_disk_size = "50G";
  std::string data_image_template;
  std::string cache_mode;  // "" = the backend's default
  std::string qemu_accel = "auto";
  // Firecracker: its binary and the tap device the guest's eth0 uses (with
  // the guest's address); Firecracker has no user-mode network.
  std::string firecracker_binary;
  std::string tap_device;
  std::string guest_ip;
  std::string shared_secret;
  std::string bazel_target;
};

// Runs the cell. Progress lines (one per iteration, one per block) go to
// `progress`; warnings about the host go to std::cerr before anything runs.
absl::Status RunCell(const CellOptions& options, std::ostream& progress);

}  // namespace perfcell

#endif  // PERFCELL_RUNNER_CELL_CELL_RUNNER_H_
