// cell: runs one perfcell matrix cell (see cell_runner.h). perf_matrix
// (tools/perf_matrix.bzl) generates a test per cell that calls this with the
// cell's flags; run by hand it works the same. One branch:
//
//   cell --cell=demo_baseline_256mib_8m_upload --backend=qemu --memory_mib=256
//     --workload=upload --bytes=8M --iterations=3 --warmup=1
//     --kernel=... --initramfs=... --base_image=... --payload_image=...
//     --mkext4=... --server_binary=... --out_dir=/tmp/out
//
// Every branch, interleaved in blocks (--branches is a text-format
// BranchInputs, runner/cell/cell_inputs.proto):
//
//   cell --mode=interleaved --blocks=10 --baseline=baseline
//     --branches='branch { binary { branch: "baseline" } server_binary: ...
//     payload_image: ... } branch { ... }' ...
//
// The environment variable PERFCELL_ACCEL (auto, kvm, tcg) overrides
// --accel: `bazel test --test_env=PERFCELL_ACCEL=tcg //...`.
//
// Exit status: 0 when the cell passed, 1 when it failed (the reason is the
// last line on stderr and in result.json), 2 for bad flags.
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <set>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "contract/stats/sequential.h"
#include "contract/thresholds.h"
#include "runner/cell/cell_inputs.pb.h"
#include "runner/cell/cell_runner.h"
#include "tools/cc/atomic_file.h"
#include "tools/cc/byte_size.h"
#include "tools/cc/cli_flags.h"
#include "tools/cc/text_proto.h"

ABSL_FLAG(std::string, matrix, "", "Matrix name.");
ABSL_FLAG(std::string, cell, "", "Cell name.");
ABSL_FLAG(std::string, branch, "", "Branch name of the server binary.");
ABSL_FLAG(std::string, label, "", "Bazel label of the server binary.");
ABSL_FLAG(std::string, commit, "",
          "git commit of the server binary, if known.");
ABSL_FLAG(std::string, server_binary, "", "The server executable.");
ABSL_FLAG(std::string, backend, "qemu", "qemu or host.");
ABSL_FLAG(uint32_t, memory_mib, 256, "VM memory in MiB.");
ABSL_FLAG(uint32_t, vcpus, 1, "VM vCPUs.");
ABSL_FLAG(std::string, workload, "upload",
          "upload, download (warm reads), download_cold (the page cache "
          "dropped before each) or load.");
ABSL_FLAG(std::string, tmp, "disk",
          "Where the server's TMPDIR (/tmp) lives: disk (a directory of the "
          "run's data disk) or tmpfs (guest RAM, half the VM's memory; VM "
          "backends only).");
ABSL_FLAG(std::string, bytes, "8M",
          "Bytes per request: 8M, 1G, 65536 (tools/cc/byte_size.h).");
ABSL_FLAG(uint32_t, iterations, 3, "Measured iterations.");
ABSL_FLAG(uint32_t, warmup, 1, "Warm-up iterations, run first and flagged.");
ABSL_FLAG(uint64_t, seed, 1, "PRNG seed of the request bodies.");
ABSL_FLAG(uint32_t, concurrency, 4, "Clients of a load workload.");
ABSL_FLAG(double, load_seconds, 10,
          "Length of each stage of a load workload (one stage per iteration).");
ABSL_FLAG(std::string, load_profile, "",
          "Load workload: text-format perfcell.Workload fields (stages, "
          "arrival_rate, mix; perf_matrix writes them). Its stages replace "
          "those --load_seconds makes.");
ABSL_FLAG(std::string, thresholds, "",
          "Limits checked per branch at the end, e.g. \"download.p95 < "
          "200ms; errors.rate < 0.1%\" (contract/thresholds.h); a broken "
          "one fails the cell after its results are saved.");
ABSL_FLAG(std::string, api_profile, "chunkstore", "chunkstore or picoshare.");
ABSL_FLAG(std::string, shared_secret, "perfcell",
          "The server's shared secret.");
ABSL_FLAG(double, boot_timeout_s, 180, "Seconds for the VM to become ready.");
ABSL_FLAG(double, request_timeout_s, 300, "Seconds for one request.");
ABSL_FLAG(std::string, kernel, "", "Guest kernel.");
ABSL_FLAG(std::string, kernel_pin, "", "File naming the kernel package (PIN).");
ABSL_FLAG(std::string, initramfs, "", "Guest initramfs.");
ABSL_FLAG(std::string, base_image, "", "Base ext4 image (read-only).");
ABSL_FLAG(std::string, payload_image, "", "Payload ext4 image of the branch.");
ABSL_FLAG(std::string, branches, "",
          "Every branch of the cell, as a text-format perfcell.BranchInputs "
          "(instead of --branch, --label, --commit, --server_binary, "
          "--payload_image and arguments after --).");
ABSL_FLAG(std::string, mode, "sequential",
          "sequential (one branch) or interleaved (every branch, in blocks).");
ABSL_FLAG(std::string, isolation, "vm",
          "vm: a fresh VM and data disk per run; session: one VM per branch "
          "for the whole cell.");
ABSL_FLAG(std::string, interleave, "requests",
          "Interleaved cells: requests (the runs of a block take turns one "
          "iteration at a time) or runs (one whole run after another).");
ABSL_FLAG(uint32_t, blocks, 1,
          "Blocks to run; each block runs every branch once (adaptive: "
          "every branch still open).");
ABSL_FLAG(uint64_t, block_seed, 1, "Seed of the branch order in each block.");
ABSL_FLAG(std::string, stop, "fixed",
          "fixed: run --blocks blocks; adaptive: from --min_blocks on, stop "
          "as soon as every comparison is decided (at most --blocks); a "
          "decided branch runs in no later block.");
ABSL_FLAG(uint32_t, min_blocks, 0,
          "adaptive: blocks before the first look (default: --blocks).");
ABSL_FLAG(double, min_effect, 0.05,
          "The smallest relative change that matters.");
ABSL_FLAG(double, alpha, 0.05,
          "adaptive: chance of any wrong decision in the cell (split over "
          "its comparisons).");
ABSL_FLAG(double, max_cell_seconds, 0,
          "adaptive: start no block after this many seconds (0: no limit).");
ABSL_FLAG(double, futility, 0.1,
          "adaptive: stop an open comparison as inconclusive once its chance "
          "of faster/slower by --blocks is below this and of no difference "
          "below 50% (0: never).");
ABSL_FLAG(std::string, run_statistic, "geometric-mean",
          "interleaved: each run's one number in a block, from its measured "
          "throughputs: geometric-mean (fewer blocks on runs of many "
          "requests) or median (fewer wild requests' pull in runs of very "
          "few).");
ABSL_FLAG(std::string, sequential_method, "mean-t",
          "adaptive: the repeated intervals of the stopping rule: mean-t "
          "(Student t on the block log-ratios; can decide from --min_blocks "
          "on) or signed-rank (distribution-free; nothing before ~9 blocks).");
ABSL_FLAG(std::string, baseline, "",
          "The branch the others are compared with (default: the first).");
ABSL_FLAG(std::string, mkext4, "",
          "mkext4 binary that makes each run's fresh, empty data disk.");
ABSL_FLAG(std::string, data_disk_size, "50G",
          "Apparent size of each run's data disk (it stays sparse): 50G, "
          "512M (tools/cc/byte_size.h).");
ABSL_FLAG(std::string, data_image, "",
          "An empty data ext4 image, copied sparsely per run (instead of "
          "--mkext4).");
ABSL_FLAG(std::string, cache_mode, "",
          "Disk cache mode; empty for the default.");
ABSL_FLAG(std::string, accel, "auto", "qemu accelerator: auto, kvm or tcg.");
ABSL_FLAG(std::string, firecracker_binary, "",
          "Firecracker binary (default: on PATH).");
ABSL_FLAG(std::string, tap_device, "",
          "Firecracker: host tap device for the guest.");
ABSL_FLAG(std::string, guest_ip, "",
          "Firecracker: the guest's address on the tap.");
ABSL_FLAG(std::string, out_dir, "",
          "Where results go; default $TEST_UNDECLARED_OUTPUTS_DIR.");
ABSL_FLAG(std::string, work_dir, "",
          "Scratch directory; default $TEST_TMPDIR.");

namespace {

int BadFlag(const std::string& message) {
  std::cerr << "cell: " << message << "\n";
  return 2;
}

// The most a request may carry, as perf_matrix's `sizes` allow.
constexpr uint64_t kMaxBytesPerRequest = uint64_t{64} << 30;

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? "" : v;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> server_args;
  if (auto exit = perfcell::ParseCliFlags(
          argc, argv, "cell",
          "Runs one perfcell cell (perf_matrix writes these flags). "
          "Arguments after -- go to the server of --branch (host backend; "
          "a VM's server reads its own from its payload).",
          &server_args)) {
    return *exit;
  }
  perfcell::CellOptions o;
  perfcell::CellSpec& spec = o.spec;
  spec.set_matrix(absl::GetFlag(FLAGS_matrix));
  spec.set_cell(absl::GetFlag(FLAGS_cell));
  perfcell::BranchInputs inputs;
  if (!absl::GetFlag(FLAGS_branches).empty()) {
    absl::Status parsed = perfcell::ParseTextProto(
        absl::GetFlag(FLAGS_branches), "--branches", &inputs);
    if (!parsed.ok()) return BadFlag(std::string(parsed.message()));
    if (!server_args.empty()) {
      return BadFlag(
          "server arguments after -- go with --branch; with --branches give "
          "each branch's args in its binary { args: ... }");
    }
  } else {
    perfcell::BranchFiles* one = inputs.add_branch();
    one->mutable_binary()->set_branch(absl::GetFlag(FLAGS_branch));
    one->mutable_binary()->set_label(absl::GetFlag(FLAGS_label));
    one->mutable_binary()->set_commit(absl::GetFlag(FLAGS_commit));
    for (const std::string& arg : server_args) {
      one->mutable_binary()->add_args(arg);
    }
    one->set_server_binary(absl::GetFlag(FLAGS_server_binary));
    one->set_payload_image(absl::GetFlag(FLAGS_payload_image));
  }
  std::set<std::string> seen;
  for (const perfcell::BranchFiles& b : inputs.branch()) {
    if (!seen.insert(b.binary().branch()).second) {
      return BadFlag("branch \"" + b.binary().branch() +
                     "\" is given twice; each branch once");
    }
    perfcell::BranchInput in;
    in.binary = b.binary();
    in.server_binary = b.server_binary();
    in.payload_image = b.payload_image();
    in.expected_args.assign(b.expected_args().begin(), b.expected_args().end());
    o.branches.push_back(std::move(in));
  }
  perfcell::Design* design = spec.mutable_design();
  const std::string mode = absl::GetFlag(FLAGS_mode);
  if (mode == "sequential") {
    design->set_mode(perfcell::Design::SEQUENTIAL);
    if (o.branches.size() != 1) {
      return BadFlag(
          "--mode=sequential runs one branch; use "
          "--mode=interleaved for " +
          std::to_string(o.branches.size()));
    }
  } else if (mode == "interleaved") {
    design->set_mode(perfcell::Design::INTERLEAVED);
  } else {
    return BadFlag("--mode must be sequential or interleaved, not \"" + mode +
                   "\"");
  }
  const std::string isolation = absl::GetFlag(FLAGS_isolation);
  if (isolation == "vm") {
    design->set_isolation(perfcell::Design::VM);
  } else if (isolation == "session") {
    design->set_isolation(perfcell::Design::SESSION);
  } else {
    return BadFlag("--isolation must be vm or session, not \"" + isolation +
                   "\"");
  }
  const std::string interleave = absl::GetFlag(FLAGS_interleave);
  if (interleave == "requests") {
    design->set_interleave(perfcell::Design::REQUESTS);
  } else if (interleave == "runs") {
    design->set_interleave(perfcell::Design::RUNS);
  } else {
    return BadFlag("--interleave must be requests or runs, not \"" +
                   interleave + "\"");
  }
  if (design->mode() == perfcell::Design::SEQUENTIAL) {
    design->set_interleave(perfcell::Design::RUNS);  // one branch: nothing to
                                                     // take turns with
  }
  if (absl::GetFlag(FLAGS_blocks) == 0) {
    return BadFlag("--blocks must be at least 1");
  }
  design->set_max_blocks(absl::GetFlag(FLAGS_blocks));
  design->set_min_blocks(absl::GetFlag(FLAGS_min_blocks) == 0
                             ? absl::GetFlag(FLAGS_blocks)
                             : absl::GetFlag(FLAGS_min_blocks));
  const std::string stop = absl::GetFlag(FLAGS_stop);
  if (stop == "fixed") {
    design->set_stop(perfcell::Design::FIXED);
    design->set_min_blocks(design->max_blocks());
  } else if (stop == "adaptive") {
    design->set_stop(perfcell::Design::ADAPTIVE);
    if (design->mode() != perfcell::Design::INTERLEAVED) {
      return BadFlag("--stop=adaptive needs --mode=interleaved");
    }
    if (design->min_blocks() < 2 ||
        design->min_blocks() > design->max_blocks()) {
      return BadFlag("--min_blocks must be from 2 to --blocks (" +
                     std::to_string(design->max_blocks()) + ")");
    }
  } else {
    return BadFlag("--stop must be fixed or adaptive, not \"" + stop + "\"");
  }
  const double min_effect = absl::GetFlag(FLAGS_min_effect);
  const double alpha = absl::GetFlag(FLAGS_alpha);
  const double max_cell_seconds = absl::GetFlag(FLAGS_max_cell_seconds);
  if (!(min_effect > 0 && min_effect < 1)) {
    return BadFlag("--min_effect must be above 0 and below 1, e.g. 0.05");
  }
  if (!(alpha > 0 && alpha < 0.5)) {
    return BadFlag("--alpha must be above 0 and below 0.5, e.g. 0.05");
  }
  if (!(max_cell_seconds >= 0) || std::isinf(max_cell_seconds)) {
    return BadFlag(
        "--max_cell_seconds must be a number of seconds, 0 for none");
  }
  design->set_min_effect(min_effect);
  design->set_alpha(alpha);
  design->set_max_cell_seconds(max_cell_seconds);
  const double futility = absl::GetFlag(FLAGS_futility);
  if (!(futility >= 0 && futility < 0.5)) {
    return BadFlag("--futility must be from 0 (never) to below 0.5, e.g. 0.1");
  }
  if (design->stop() == perfcell::Design::ADAPTIVE) {
    design->set_futility(futility);
  }
  const std::string run_statistic = absl::GetFlag(FLAGS_run_statistic);
  if (run_statistic == "geometric-mean") {
    design->set_run_statistic(perfcell::Design::GEOMETRIC_MEAN);
  } else if (run_statistic == "median") {
    design->set_run_statistic(perfcell::Design::MEDIAN);
  } else {
    return BadFlag("--run_statistic must be geometric-mean or median, not \"" +
                   run_statistic + "\"");
  }
  if (design->mode() != perfcell::Design::INTERLEAVED) {
    design->clear_run_statistic();  // sequential cells compare sessions
  }
  const absl::StatusOr<perfcell::stats::SequentialMethod> method =
      perfcell::stats::ParseSequentialMethod(
          absl::GetFlag(FLAGS_sequential_method));
  if (!method.ok()) {
    return BadFlag(
        absl::StrCat("--sequential_method ", method.status().message()));
  }
  const bool mean_t = *method == perfcell::stats::SequentialMethod::kMeanT;
  if (design->stop() == perfcell::Design::ADAPTIVE) {
    design->set_method(mean_t ? perfcell::Design::MEAN_T
                              : perfcell::Design::SIGNED_RANK);
    if (mean_t && design->min_blocks() < 3) {
      return BadFlag(
          "--sequential_method=mean-t needs --min_blocks of 3 or "
          "more (a spread from at least 3 blocks)");
    }
  }
  design->set_seed(absl::GetFlag(FLAGS_block_seed));
  std::string baseline = absl::GetFlag(FLAGS_baseline);
  if (baseline.empty()) baseline = o.branches[0].binary.branch();
  if (!seen.count(baseline)) {
    return BadFlag("--baseline=\"" + baseline +
                   "\" is not one of the cell's branches");
  }
  design->set_baseline(baseline);
  spec.set_memory_mib(absl::GetFlag(FLAGS_memory_mib));
  spec.set_vcpus(absl::GetFlag(FLAGS_vcpus));
  perfcell::Backend backend;
  if (!perfcell::Backend_Parse(
          "BACKEND_" + absl::AsciiStrToUpper(absl::GetFlag(FLAGS_backend)),
          &backend) ||
      backend == perfcell::BACKEND_UNSPECIFIED) {
    return BadFlag("--backend must be qemu, firecracker or host, not \"" +
                   absl::GetFlag(FLAGS_backend) + "\"");
  }
  spec.set_backend(backend);
  perfcell::Workload* w = spec.mutable_workload();
  perfcell::Workload::Kind kind;
  if (!perfcell::Workload::Kind_Parse(
          absl::AsciiStrToUpper(absl::GetFlag(FLAGS_workload)), &kind) ||
      kind == perfcell::Workload::KIND_UNSPECIFIED) {
    return BadFlag(
        "--workload must be upload, download, download_cold or load, not \"" +
        absl::GetFlag(FLAGS_workload) + "\"");
  }
  w->set_kind(kind);
  const std::string tmp = absl::GetFlag(FLAGS_tmp);
  if (tmp == "disk") {
    spec.set_tmp(perfcell::TMP_DISK);
  } else if (tmp == "tmpfs") {
    if (backend == perfcell::BACKEND_HOST) {
      return BadFlag(
          "--tmp=tmpfs needs a VM backend: the host backend's TMPDIR is a "
          "directory of TEST_TMPDIR, on disk");
    }
    spec.set_tmp(perfcell::TMP_TMPFS);
  } else {
    return BadFlag("--tmp must be disk or tmpfs, not \"" + tmp + "\"");
  }
  const absl::StatusOr<uint64_t> bytes =
      perfcell::ParseByteSize(absl::GetFlag(FLAGS_bytes));
  if (!bytes.ok())
    return BadFlag(absl::StrCat("--bytes: ", bytes.status().message()));
  if (*bytes > kMaxBytesPerRequest) {
    return BadFlag("--bytes=" + absl::GetFlag(FLAGS_bytes) +
                   " is more than 64G, the most one request (one upload or "
                   "download) may carry");
  }
  w->set_bytes_per_request(*bytes);
  if (absl::GetFlag(FLAGS_iterations) == 0)
    return BadFlag("--iterations must be at least 1");
  w->set_iterations(absl::GetFlag(FLAGS_iterations));
  w->set_warmup_iterations(absl::GetFlag(FLAGS_warmup));
  w->set_seed(absl::GetFlag(FLAGS_seed));
  w->set_concurrency(absl::GetFlag(FLAGS_concurrency));
  if (kind == perfcell::Workload::LOAD) {
    perfcell::Workload profile;
    const absl::Status parsed = perfcell::ParseTextProto(
        absl::GetFlag(FLAGS_load_profile), "--load_profile", &profile);
    if (!parsed.ok()) return BadFlag(std::string(parsed.message()));
    w->MergeFrom(profile);
    const uint32_t implicit_stages =
        w->stages().empty() ? w->warmup_iterations() + w->iterations() : 0;
    // One stage per iteration, warm-up first, so every stage is a sample.
    if (!(absl::GetFlag(FLAGS_load_seconds) > 0)) {
      return BadFlag("--load_seconds must be more than 0");
    }
    for (uint32_t i = 0; i < implicit_stages; ++i) {
      perfcell::LoadStage* stage = w->add_stages();
      stage->set_seconds(absl::GetFlag(FLAGS_load_seconds));
      stage->set_concurrency(w->concurrency());
    }
  }
  absl::StatusOr<std::vector<perfcell::Threshold>> thresholds =
      perfcell::ParseThresholds(absl::GetFlag(FLAGS_thresholds));
  if (!thresholds.ok())
    return BadFlag(std::string(thresholds.status().message()));
  for (const perfcell::Threshold& t : *thresholds) {
    *spec.add_thresholds() = t;
  }
  spec.set_api_profile(absl::GetFlag(FLAGS_api_profile));
  spec.mutable_timeouts()->set_boot_seconds(
      absl::GetFlag(FLAGS_boot_timeout_s));
  spec.mutable_timeouts()->set_request_seconds(
      absl::GetFlag(FLAGS_request_timeout_s));

  o.out_dir = absl::GetFlag(FLAGS_out_dir);
  if (o.out_dir.empty()) o.out_dir = Env("TEST_UNDECLARED_OUTPUTS_DIR");
  o.work_dir = absl::GetFlag(FLAGS_work_dir);
  if (o.work_dir.empty()) o.work_dir = Env("TEST_TMPDIR");
  if (o.out_dir.empty() || o.work_dir.empty()) {
    return BadFlag("--out_dir and --work_dir are needed outside bazel test");
  }
  for (const std::string& dir : {o.out_dir, o.work_dir}) {
    std::error_code error;
    std::filesystem::create_directories(dir, error);
    if (error)
      return BadFlag("cannot create \"" + dir + "\": " + error.message());
  }
  o.kernel = absl::GetFlag(FLAGS_kernel);
  if (!absl::GetFlag(FLAGS_kernel_pin).empty()) {
    absl::StatusOr<std::string> pin =
        perfcell::ReadFile(absl::GetFlag(FLAGS_kernel_pin));
    if (pin.ok())
      o.kernel_package = std::string(absl::StripAsciiWhitespace(*pin));
  }
  o.initramfs = absl::GetFlag(FLAGS_initramfs);
  o.base_image = absl::GetFlag(FLAGS_base_image);
  o.data_image_template = absl::GetFlag(FLAGS_data_image);
  o.mkext4 = absl::GetFlag(FLAGS_mkext4);
  o.data_disk_size = absl::GetFlag(FLAGS_data_disk_size);
  const absl::StatusOr<uint64_t> data_disk_bytes =
      perfcell::ParseByteSize(o.data_disk_size);
  if (!data_disk_bytes.ok()) {
    return BadFlag(
        absl::StrCat("--data_disk_size: ", data_disk_bytes.status().message()));
  }
  // With --data_image the disk is a copy of that image, of its size.
  if (o.data_image_template.empty()) spec.set_data_disk_bytes(*data_disk_bytes);
  o.cache_mode = absl::GetFlag(FLAGS_cache_mode);
  o.qemu_accel = absl::GetFlag(FLAGS_accel);
  if (!Env("PERFCELL_ACCEL").empty()) o.qemu_accel = Env("PERFCELL_ACCEL");
  if (o.qemu_accel != "auto" && o.qemu_accel != "kvm" &&
      o.qemu_accel != "tcg") {
    return BadFlag("the accelerator must be auto, kvm or tcg, not \"" +
                   o.qemu_accel + "\" (--accel or PERFCELL_ACCEL)");
  }
  o.firecracker_binary = absl::GetFlag(FLAGS_firecracker_binary);
  o.tap_device = absl::GetFlag(FLAGS_tap_device);
  o.guest_ip = absl::GetFlag(FLAGS_guest_ip);
  o.shared_secret = absl::GetFlag(FLAGS_shared_secret);
  o.bazel_target = Env("TEST_TARGET");
  if (spec.cell().empty()) spec.set_cell(o.bazel_target);

  absl::Status s = perfcell::RunCell(o, std::cout);
  if (!s.ok()) {
    std::cerr << "cell " << spec.cell() << " FAILED: " << s.message() << "\n";
    return 1;
  }
  return 0;
}
