#include "runner/cell/cell_runner.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "contract/design.h"
#include "contract/host_warnings.h"
#include "contract/proc_metrics.h"
#include "contract/thresholds.h"
#include "proto/backend_name.h"
#include "runner/cell/adaptive_stop.h"
#include "runner/cell/block_order.h"
#include "runner/cell/cpu_split.h"
#include "runner/cell/host_fingerprint.h"
#include "runner/cell/result_file.h"
#include "runner/cell/server_args.h"
#include "runner/cell/turnstile.h"
#include "runner/vm/firecracker_vm.h"
#include "runner/vm/host_vm.h"
#include "runner/vm/process.h"
#include "runner/vm/qemu_vm.h"
#include "runner/workload/workload.h"
#include "tools/cc/atomic_file.h"
#include "tools/cc/sha256.h"
#include "tools/cc/sparse_copy.h"
#include "tools/cc/status_macros.h"

namespace perfcell {
namespace {

void AddArtifact(Provenance* p, const std::string& name,
                 const std::string& path) {
  if (path.empty()) return;
  Artifact* a = p->add_artifacts();
  a->set_name(name);
  a->set_path(path);
  // Hashing reads every byte: a large sparse file would cost minutes.
  // Files that large are named by size only.
  struct stat st;
  if (stat(path.c_str(), &st) == 0 && st.st_size > (1LL << 30)) {
    a->set_sha256(absl::StrCat("not hashed: ", st.st_size, " bytes apparent, ",
                               st.st_blocks * 512, " allocated"));
    return;
  }
  absl::StatusOr<std::string> sha = Sha256OfFile(path);
  a->set_sha256(
      sha.ok() ? *sha : absl::StrCat("unreadable: ", sha.status().message()));
}

// MemAvailable of /proc/meminfo in bytes; 0 when it cannot be read.
uint64_t MemAvailableBytes() {
  absl::StatusOr<std::string> meminfo = ReadFile("/proc/meminfo");
  if (!meminfo.ok()) return 0;
  return contract::KilobyteField(*meminfo, "MemAvailable").value_or(0);
}

std::string Mib(uint64_t bytes) {
  return absl::StrFormat("%.1f MiB", static_cast<double>(bytes) / (1 << 20));
}

// Why a run failed, best explanation first: what the guest reported (OOM
// killer, server exit) explains a failed request better than the request's
// own error does.
absl::Status Explain(Vm& vm, const absl::Status& workload) {
  // The guest reports a crash on its console a moment after the client saw
  // the connection drop: give it a few seconds to arrive.
  absl::Status health = vm.Health();
  for (int i = 0; i < 50 && health.ok(); ++i) {
    absl::SleepFor(absl::Milliseconds(100));
    health = vm.Health();
  }
  if (!health.ok()) {
    return absl::Status(health.code(),
                        absl::StrCat(health.message(), "; the workload saw: ",
                                     workload.message()));
  }
  return workload;
}

// Everything one cell run needs while it runs.
class CellRun {
 public:
  CellRun(const CellOptions& o, std::ostream& progress)
      : o_(o), progress_(progress), file_(o.out_dir), accel_(o.qemu_accel) {}

  absl::Status Execute();

 private:
  bool Sequential() const {
    return o_.spec.design().mode() != Design::INTERLEAVED;
  }
  bool Session() const {
    return o_.spec.design().isolation() == Design::SESSION;
  }
  // Set by Execute: the runs of each block take turns (Design REQUESTS).
  bool Lockstep() const { return lockstep_; }
  // Every failure goes through here: the result says FAILED and why, saved
  // at once (MarkFailed), and Fail returns `s` for the caller to pass on.
  void MarkFailed(const absl::Status& s);
  absl::Status Fail(const absl::Status& s) {
    MarkFailed(s);
    return s;
  }
  absl::Status MakeDataDisk(const std::string& path);
  // Boots a VM for `branch` whose files live in `dir`; the console log goes
  // to out_dir/`console`.
  absl::StatusOr<std::unique_ptr<Vm>> Boot(const BranchInput& branch,
                                           const std::string& dir,
                                           const std::string& console,
                                           Run* run);
  absl::StatusOr<Vm*> VmFor(const BranchInput& branch, uint32_t run_index,
                            Run* run);
  // What a run's workload reports to the cell: every iteration is saved and
  // printed, and the measured throughputs go to `measured`.
  WorkloadRun MakeWork(const BranchInput& branch, uint32_t block, Run* run,
                       Vm* vm, std::vector<double>* measured);
  // After the workload of a run returned `ran`: keeps its histograms, and on
  // failure marks the cell failed with the best explanation.
  absl::Status AfterWork(const BranchInput& branch, Run* run, Vm* vm,
                         const WorkloadResult& out, const absl::Status& ran,
                         const std::vector<double>& measured);
  absl::Status RunBranch(const BranchInput& branch, uint32_t block, Run* run);
  // The runs of `block` started together and taking turns (Lockstep()).
  absl::Status RunBlockInLockstep(
      const std::vector<const BranchInput*>& branches, Block* block,
      uint32_t* run_index);
  // Runs the block whole: its runs one after another or in lockstep.
  absl::Status RunBlock(const std::vector<const BranchInput*>& branches,
                        Block* block, uint32_t* run_index);
  void FinishRun(const BranchInput& branch);
  // Session isolation: checks the health of `name`'s session VM and stops
  // it; no-op without one. An unhealthy guest fails the cell.
  absl::Status EndSession(const std::string& name);
  // Records the argv `vm` started the server with in `run`; at a VM
  // branch's first report, also as the branch's Binary.args, with a warning
  // when they are not the expected ones.
  void RecordServerArgv(const BranchInput& branch, Vm& vm, Run* run);
  // Whether every branch's VM of a block fits in the host's memory at once;
  // otherwise the cell falls back to one run after another.
  bool LockstepFits(size_t branches);
  std::string BlockLine(const Block& block) const;

  const CellOptions& o_;
  std::ostream& progress_;
  ResultFile file_;
  std::string accel_;       // becomes "tcg" once KVM is found unusable
  std::string accel_note_;  // carried to later VMs of the cell
  CpuSplit cpus_;
  bool provenance_set_ = false;
  uint32_t blocks_ = 1;
  bool lockstep_ = false;
  std::map<std::string, std::unique_ptr<Vm>> sessions_;
  // Branches whose server argv was reported (or found unknown) once.
  std::set<std::string> argv_reported_;
  // Isolation VM: each live run's own VM and the directory of its files.
  struct LiveRun {
    std::unique_ptr<Vm> vm;
    std::string dir;
  };
  std::map<std::string, LiveRun> live_;
  // Each branch's run value in the current block (contract/design.h,
  // bytes/s): the block's progress line and the adaptive stop's look.
  std::map<std::string, double> block_values_;
};

void CellRun::MarkFailed(const absl::Status& s) {
  CellResult& result = file_.result();
  result.set_status(CellResult::FAILED);
  result.set_error(std::string(s.message()));
  result.set_end_unix_nanos(absl::ToUnixNanos(absl::Now()));
  absl::Status saved = file_.Save();
  if (!saved.ok()) std::cerr << "perfcell: " << saved.message() << "\n";
}

absl::Status CellRun::MakeDataDisk(const std::string& path) {
  if (!o_.data_image_template.empty()) {
    return SparseCopy(o_.data_image_template, path);
  }
  if (o_.mkext4.empty()) {
    return absl::InvalidArgumentError(
        "no data disk: give --mkext4 (makes a fresh one per run) or "
        "--data_image (an empty ext4 to copy)");
  }
  absl::StatusOr<std::string> made =
      RunCommand({o_.mkext4, "--out=" + path, "--size=" + o_.data_disk_size,
                  "--label=perfcell-data"},
                 absl::Seconds(60));
  if (!made.ok()) {
    return absl::Status(made.status().code(),
                        absl::StrCat("cannot make the data disk \"", path,
                                     "\": ", made.status().message()));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<Vm>> CellRun::Boot(const BranchInput& branch,
                                                  const std::string& dir,
                                                  const std::string& console,
                                                  Run* run) {
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error) {
    return absl::InternalError(
        absl::StrCat("cannot create \"", dir, "\": ", error.message()));
  }
  VmConfig config;
  config.kernel = o_.kernel;
  config.initramfs = o_.initramfs;
  config.base_image = o_.base_image;
  config.payload_image = branch.payload_image;
  config.memory_mib = o_.spec.memory_mib();
  config.vcpus = o_.spec.vcpus();
  config.cpus = cpus_.server;
  config.cache_mode = o_.cache_mode;
  config.work_dir = dir;
  config.console_log = absl::StrCat(o_.out_dir, "/", console);
  config.tmp = o_.spec.tmp() == TMP_TMPFS ? "tmpfs" : "disk";
  if (o_.spec.timeouts().boot_seconds() > 0) {
    config.boot_timeout = absl::Seconds(o_.spec.timeouts().boot_seconds());
  }
  std::unique_ptr<Vm> vm;
  switch (o_.spec.backend()) {
    case BACKEND_QEMU: {
      config.data_image = dir + "/data.ext4";
      RETURN_IF_ERROR(MakeDataDisk(config.data_image));
      QemuOptions q;
      q.accel = accel_;
      ASSIGN_OR_RETURN(vm, MakeQemuVm(config, q));
      break;
    }
    case BACKEND_FIRECRACKER: {
      config.data_image = dir + "/data.ext4";
      RETURN_IF_ERROR(MakeDataDisk(config.data_image));
      FirecrackerOptions f;
      if (!o_.firecracker_binary.empty()) f.binary = o_.firecracker_binary;
      f.tap_device = o_.tap_device;
      f.guest_ip = o_.guest_ip;
      ASSIGN_OR_RETURN(vm, MakeFirecrackerVm(config, f));
      break;
    }
    case BACKEND_HOST: {
      config.host_argv.push_back(branch.server_binary);
      for (const std::string& a : branch.binary.args())
        config.host_argv.push_back(a);
      config.host_env.push_back("PS_SHARED_SECRET=" + o_.shared_secret);
      ASSIGN_OR_RETURN(vm, MakeHostVm(config));
      break;
    }
    default:
      return absl::InvalidArgumentError(
          absl::StrCat("backend ", Backend_Name(o_.spec.backend()),
                       " is unknown; use qemu, firecracker or host"));
  }
  run->set_console_log(console);
  if (file_.result().console_log().empty()) {
    file_.result().set_console_log(console);
  }
  absl::Status started = vm->Start();
  VmInfo info = vm->Info();
  if (!info.accelerator_note.empty()) accel_note_ = info.accelerator_note;
  if (!provenance_set_) {
    Provenance* prov = file_.result().mutable_provenance();
    prov->set_backend_kind(o_.spec.backend());
    prov->set_backend_version(info.backend_version);
    prov->set_accelerator(info.accelerator);
    prov->set_accelerator_note(accel_note_);
    prov->set_cache_mode(info.cache_mode);
    provenance_set_ = started.ok();
  }
  if (!started.ok()) return started;
  if (o_.spec.backend() == BACKEND_QEMU && accel_ == "auto" &&
      info.accelerator == "tcg" && !info.accelerator_note.empty()) {
    // KVM cannot run guests here: later VMs of this cell go straight to TCG
    // (the host's memo does the same for later cells, where it can be kept).
    accel_ = "tcg";
    std::cerr << "perfcell: warning: " << info.accelerator_note << "\n";
  }
  run->set_boot_seconds(vm->BootSeconds());
  RecordServerArgv(branch, *vm, run);
  if (file_.result().boot_seconds() == 0) {
    file_.result().set_boot_seconds(vm->BootSeconds());
  }
  progress_ << absl::StrFormat("perfcell: %s ready after %.2f s (%s)\n",
                               branch.binary.branch(), vm->BootSeconds(),
                               info.accelerator);
  return vm;
}

absl::StatusOr<Vm*> CellRun::VmFor(const BranchInput& branch,
                                   uint32_t run_index, Run* run) {
  const std::string& name = branch.binary.branch();
  const std::string backend = BackendName(o_.spec.backend());
  if (Session()) {
    auto it = sessions_.find(name);
    if (it != sessions_.end()) {
      run->set_console_log(absl::StrCat("console-", name, ".log"));
      RecordServerArgv(branch, *it->second, run);
      return it->second.get();
    }
    progress_ << "perfcell: booting the " << name << " session ("
              << o_.spec.memory_mib() << " MiB, " << backend << ")"
              << std::endl;
    ASSIGN_OR_RETURN(std::unique_ptr<Vm> vm,
                     Boot(branch, absl::StrCat(o_.work_dir, "/session-", name),
                          absl::StrCat("console-", name, ".log"), run));
    Vm* raw = vm.get();
    sessions_[name] = std::move(vm);
    return raw;
  }
  const std::string dir =
      absl::StrFormat("%s/run-%03d", o_.work_dir, run_index);
  std::string console =
      Sequential() && blocks_ == 1
          ? "console.log"
          : absl::StrFormat("console-%03d-%s.log", run_index, name);
  progress_ << "perfcell: booting " << o_.spec.cell() << " for " << name << " ("
            << o_.spec.memory_mib() << " MiB, " << backend << ")" << std::endl;
  LiveRun& live = live_[name];
  live.dir = dir;
  ASSIGN_OR_RETURN(live.vm, Boot(branch, dir, console, run));
  return live.vm.get();
}

void CellRun::RecordServerArgv(const BranchInput& branch, Vm& vm, Run* run) {
  const std::string& name = branch.binary.branch();
  const bool first = argv_reported_.insert(name).second;
  absl::StatusOr<std::vector<std::string>> argv = vm.ServerArgv();
  if (!argv.ok()) {
    if (first) {
      std::cerr << "perfcell: warning: " << name
                << ": the server's arguments are unknown, the result records "
                   "none: "
                << argv.status().message() << "\n";
    }
    return;
  }
  for (const std::string& a : *argv) run->add_server_argv(a);
  // The host backend passed binary.args itself: they are what it records.
  if (!first || o_.spec.backend() == BACKEND_HOST) return;
  const std::vector<std::string> received = ServerArguments(*argv);
  for (Binary& binary : *file_.result().mutable_spec()->mutable_binaries()) {
    if (binary.branch() != name) continue;
    binary.clear_args();
    for (const std::string& a : received) binary.add_args(a);
  }
  const std::string mismatch =
      ArgumentsMismatch(name, branch.expected_args, received);
  if (!mismatch.empty()) {
    std::cerr << "perfcell: warning: " << mismatch << "\n";
    file_.result().add_warnings(mismatch);
  }
}

void CellRun::FinishRun(const BranchInput& branch) {
  auto it = live_.find(branch.binary.branch());
  if (it == live_.end()) return;
  if (it->second.vm != nullptr) {
    absl::Status stopped = it->second.vm->Stop(absl::Seconds(20));
    if (!stopped.ok()) {
      std::cerr << "perfcell: warning: " << branch.binary.branch() << ": "
                << stopped.message() << "\n";
    }
  }
  // The data disk of a finished run is of no further use.
  std::error_code ignored;
  if (!it->second.dir.empty()) {
    std::filesystem::remove_all(it->second.dir, ignored);
  }
  live_.erase(it);
}

absl::Status CellRun::EndSession(const std::string& name) {
  auto it = sessions_.find(name);
  if (it == sessions_.end()) return absl::OkStatus();
  RETURN_IF_ERROR(it->second->Health());
  absl::Status stopped = it->second->Stop(absl::Seconds(20));
  if (!stopped.ok()) {
    std::cerr << "perfcell: warning: " << name << ": " << stopped.message()
              << "\n";
  }
  sessions_.erase(it);
  return absl::OkStatus();
}

bool CellRun::LockstepFits(size_t branches) {
  if (o_.spec.backend() == BACKEND_HOST || Session()) return true;
  const uint64_t need = static_cast<uint64_t>(branches) * o_.spec.memory_mib()
                        << 20;
  // Leave a quarter of what is free for the page cache and everything else.
  const uint64_t available = MemAvailableBytes();
  return available == 0 || need <= available / 4 * 3;
}

WorkloadRun CellRun::MakeWork(const BranchInput& branch, uint32_t block,
                              Run* run, Vm* vm, std::vector<double>* measured) {
  CellResult& result = file_.result();
  const std::string& name = branch.binary.branch();
  WorkloadRun work =
      WorkloadRunFromSpec(o_.spec, vm->ServerUrl(), o_.shared_secret, name);
  work.guest_metrics = [vm]() { return vm->Metrics(); };
  work.drop_caches = [vm]() { return vm->DropCaches(); };
  work.restart_server = [vm]() { return vm->RestartServer(); };
  const uint32_t total =
      o_.spec.workload().iterations() + o_.spec.workload().warmup_iterations();
  const std::string where =
      blocks_ > 1 || !Sequential()
          ? absl::StrFormat("block %d/%d %s: ", block + 1, blocks_, name)
          : "";
  const uint32_t run_index = run->index();
  work.on_iteration = [this, &result, block, run_index, measured, where,
                       total](const Iteration& it) {
    Iteration* kept = result.add_iterations();
    *kept = it;
    kept->set_block(block);
    kept->set_run(run_index);
    absl::Status saved = file_.SaveIfDue();
    if (!saved.ok()) std::cerr << "perfcell: " << saved.message() << "\n";
    double mibs = it.seconds() > 0 ? it.bytes() / it.seconds() / (1 << 20) : 0;
    // As the analysis counts a sample (analysis/dataset.cc), in its unit
    // (bytes/s, so the report's replay gets the same bits): a geometric
    // mean has no room for a zero.
    if (it.ok() && !it.warmup() && it.seconds() > 0 && it.bytes() > 0) {
      measured->push_back(it.bytes() / it.seconds());
    }
    std::string cold;
    if (it.server_restarted()) {
      cold =
          absl::StrFormat(" (cold: server restarted in %.2f s, caches dropped)",
                          it.restart_seconds());
    } else if (it.caches_dropped()) {
      cold = " (cold: caches dropped; the profile allows no restart)";
    }
    const RequestCounts& req = it.requests();
    if (req.sent() > req.ok()) {
      absl::StrAppendFormat(
          &cold,
          " (%d of %d requests failed: %d 4xx, %d 5xx, %d timeouts, %d other)",
          req.sent() - req.ok(), req.sent(), req.http_4xx(), req.http_5xx(),
          req.timeout(), req.http_other() + req.transport() + req.bad_body());
    }
    progress_ << absl::StrFormat(
        "perfcell: %siteration %d/%d%s %s in %.3f s = %.1f MiB/s%s%s%s\n",
        where, it.index() + 1, total, it.warmup() ? " (warm-up)" : "",
        Mib(it.bytes()), it.seconds(), mibs, cold,
        it.ok() ? "" : "  FAILED: ", it.error());
    progress_.flush();
  };
  return work;
}

absl::Status CellRun::AfterWork(const BranchInput& branch, Run* run, Vm* vm,
                                const WorkloadResult& out,
                                const absl::Status& ran,
                                const std::vector<double>& measured) {
  const std::string& name = branch.binary.branch();
  for (const LatencyHistogram& h : out.histograms) {
    LatencyHistogram* kept = file_.result().add_histograms();
    *kept = h;
    kept->set_name(absl::StrCat(name, " run ", run->index(), ": ", h.name()));
  }
  if (!ran.ok()) {
    MarkFailed(ran);  // saved now: a kill while we look closer keeps it
    absl::Status why = Explain(*vm, ran);
    if (why.message() != ran.message()) MarkFailed(why);
    vm->Stop(absl::Seconds(5)).IgnoreError();
    return why;
  }
  RETURN_IF_ERROR(vm->Health());
  block_values_[name] = RunValue(o_.spec.design(), measured);
  return absl::OkStatus();
}

absl::Status CellRun::RunBranch(const BranchInput& branch, uint32_t block,
                                Run* run) {
  ASSIGN_OR_RETURN(Vm * vm, VmFor(branch, run->index(), run));
  std::vector<double> measured;
  WorkloadRun work = MakeWork(branch, block, run, vm, &measured);
  WorkloadResult out;
  absl::Status ran = RunWorkload(work, &out);
  return AfterWork(branch, run, vm, out, ran, measured);
}

absl::Status CellRun::RunBlockInLockstep(
    const std::vector<const BranchInput*>& branches, Block* block,
    uint32_t* run_index) {
  const int n = static_cast<int>(branches.size());
  std::vector<Run*> runs;
  std::vector<Vm*> vms;
  // Every run of the block is started first, one after another.
  for (const BranchInput* branch : branches) {
    Run* run = block->add_runs();
    run->set_branch(branch->binary.branch());
    run->set_index((*run_index)++);
    runs.push_back(run);
    absl::StatusOr<Vm*> vm = VmFor(*branch, run->index(), run);
    if (!vm.ok()) return vm.status();
    vms.push_back(*vm);
  }
  // Then their iterations take turns: only the thread whose turn it is
  // does anything, so everything below that touches the result (the
  // iteration callbacks) runs one thread at a time.
  Turnstile turns(n);
  std::vector<std::vector<double>> measured(n);
  std::vector<WorkloadResult> outs(n);
  std::vector<absl::Status> ran(n);
  std::vector<WorkloadRun> work;
  for (int i = 0; i < n; ++i) {
    work.push_back(
        MakeWork(*branches[i], block->index(), runs[i], vms[i], &measured[i]));
    IterationFn record = std::move(work[i].on_iteration);
    work[i].on_iteration = [record, &turns, i](const Iteration& it) {
      record(it);
      turns.Pass(i);
      turns.Wait(i);
    };
  }
  std::vector<std::thread> threads;
  for (int i = 0; i < n; ++i) {
    threads.emplace_back([&, i] {
      turns.Wait(i);
      runs[i]->set_start_unix_nanos(absl::ToUnixNanos(absl::Now()));
      ran[i] = RunWorkload(work[i], &outs[i]);
      turns.Leave(i);
    });
  }
  for (std::thread& t : threads) t.join();
  for (int i = 0; i < n; ++i) {
    absl::Status done =
        AfterWork(*branches[i], runs[i], vms[i], outs[i], ran[i], measured[i]);
    if (!done.ok()) {
      runs[i]->set_error(std::string(done.message()));
      return absl::Status(
          done.code(),
          absl::StrCat(branches[i]->binary.branch(), ": ", done.message()));
    }
    runs[i]->set_ok(true);
  }
  return absl::OkStatus();
}

absl::Status CellRun::RunBlock(const std::vector<const BranchInput*>& branches,
                               Block* block, uint32_t* run_index) {
  if (Lockstep()) {
    absl::Status ran = RunBlockInLockstep(branches, block, run_index);
    for (const BranchInput* branch : branches) FinishRun(*branch);
    return ran;
  }
  for (const BranchInput* branch : branches) {
    const std::string& name = branch->binary.branch();
    perfcell::Run* run = block->add_runs();
    run->set_branch(name);
    run->set_index((*run_index)++);
    run->set_start_unix_nanos(absl::ToUnixNanos(absl::Now()));
    absl::Status ran = RunBranch(*branch, block->index(), run);
    FinishRun(*branch);
    if (!ran.ok()) {
      run->set_error(std::string(ran.message()));
      return absl::Status(ran.code(),
                          blocks_ > 1 || !Sequential()
                              ? absl::StrCat(name, ": ", ran.message())
                              : std::string(ran.message()));
    }
    run->set_ok(true);
    RETURN_IF_ERROR(file_.Save());
  }
  return absl::OkStatus();
}

std::string CellRun::BlockLine(const Block& block) const {
  const std::string& baseline = o_.spec.design().baseline();
  auto base = block_values_.find(baseline);
  std::vector<std::string> parts;
  for (const BranchInput& b : o_.branches) {
    const std::string& name = b.binary.branch();
    auto it = block_values_.find(name);
    if (it == block_values_.end()) continue;
    std::string part =
        absl::StrFormat("%s %.1f MiB/s", name, it->second / (1 << 20));
    if (name != baseline && base != block_values_.end() && base->second > 0) {
      absl::StrAppend(
          &part,
          absl::StrFormat(" (%+.1f%%)", 100 * (it->second / base->second - 1)));
    }
    parts.push_back(part);
  }
  return absl::StrFormat("perfcell: block %d/%d done: %s\n", block.index() + 1,
                         blocks_, absl::StrJoin(parts, ", "));
}

absl::Status CellRun::Execute() {
  CellResult& result = file_.result();
  CellSpec& spec = *result.mutable_spec();
  spec = o_.spec;
  spec.clear_binaries();
  if (o_.branches.empty()) {
    return absl::InvalidArgumentError("a cell needs at least one branch");
  }
  result.set_status(CellResult::RUNNING);
  result.set_start_unix_nanos(absl::ToUnixNanos(absl::Now()));
  Provenance* prov = result.mutable_provenance();
  *prov->mutable_host() = ReadHostFingerprint(o_.work_dir);
  prov->set_kernel(o_.kernel_package);
  prov->set_bazel_target(o_.bazel_target);
  const bool vm_backend = o_.spec.backend() != BACKEND_HOST;
  std::map<std::string, std::string> hashed;  // path -> sha256
  for (const BranchInput& b : o_.branches) {
    if (vm_backend && b.binary.args_size() > 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          "branch \"", b.binary.branch(),
          "\": server arguments given to the cell reach only the host "
          "backend's server; a VM's server reads its arguments from its "
          "payload (payload_image's server_args); give them there, and as "
          "expected_args for the cell to check"));
    }
    Binary* binary = spec.add_binaries();
    *binary = b.binary;
    if (!hashed.count(b.server_binary)) {
      AddArtifact(prov, "server:" + b.binary.branch(), b.server_binary);
      hashed[b.server_binary] =
          prov->artifacts(prov->artifacts_size() - 1).sha256();
    }
    binary->set_sha256(hashed[b.server_binary]);
    if (vm_backend && !hashed.count(b.payload_image)) {
      AddArtifact(prov, "payload:" + b.binary.branch(), b.payload_image);
      hashed[b.payload_image] = "";
    }
  }
  if (vm_backend) {
    AddArtifact(prov, "kernel", o_.kernel);
    AddArtifact(prov, "initramfs", o_.initramfs);
    AddArtifact(prov, "base", o_.base_image);
  }
  blocks_ = std::max<uint32_t>(1, spec.design().max_blocks());
  for (const std::string& w : contract::HostWarnings(
           prov->host(), {.accelerator = vm_backend ? "" : "none"})) {
    std::cerr << "perfcell: warning: " << w << "\n";
  }
  // The server (or VM) and the client on CPUs of their own.
  cpus_ = SplitCpus(AvailableCpus(), std::max<uint32_t>(1, spec.vcpus()));
  if (!cpus_.client.empty()) {
    absl::Status pinned = PinThisThread(cpus_.client);
    if (!pinned.ok()) {
      cpus_ = CpuSplit();
      cpus_.note = std::string(pinned.message());
    }
  }
  for (int c : cpus_.server) prov->add_server_cpus(c);
  for (int c : cpus_.client) prov->add_client_cpus(c);
  prov->set_cpu_note(cpus_.note);
  if (!cpus_.note.empty()) {
    std::cerr << "perfcell: warning: CPUs: " << cpus_.note << "\n";
  }
  lockstep_ = !Sequential() && spec.design().interleave() == Design::REQUESTS;
  if (lockstep_ && !LockstepFits(o_.branches.size())) {
    lockstep_ = false;
    spec.mutable_design()->set_interleave(Design::RUNS);
    std::cerr << "perfcell: warning: " << o_.branches.size() << " VMs of "
              << spec.memory_mib()
              << " MiB at once would not fit in this host's free memory: the "
                 "runs of each block go one after another "
                 "(interleave = runs)\n";
  }
  RETURN_IF_ERROR(file_.Save());
  file_.InstallKillHandler();

  std::vector<std::string> names;
  std::map<std::string, const BranchInput*> by_name;
  for (const BranchInput& b : o_.branches) {
    names.push_back(b.binary.branch());
    by_name[b.binary.branch()] = &b;
  }
  const Design& design = spec.design();
  std::optional<AdaptiveStop> adaptive;
  if (design.stop() == Design::ADAPTIVE) {
    std::vector<std::string> candidates;
    for (const std::string& n : names) {
      if (n != design.baseline()) candidates.push_back(n);
    }
    absl::StatusOr<AdaptiveStop> made = AdaptiveStop::Make(design, candidates);
    if (!made.ok()) return Fail(made.status());
    adaptive = std::move(*made);
  }
  const absl::Time cell_start = absl::Now();
  std::string why_stopped = absl::StrCat("max_blocks ", blocks_, " reached");
  uint32_t run_index = 0;
  // The branches that still run, and their orders for the blocks left.
  std::vector<std::string> running = names;
  std::vector<std::vector<std::string>> orders =
      BlockOrders(running, blocks_, design.seed());
  size_t next_order = 0;
  for (uint32_t b = 0; b < blocks_; ++b) {
    if (adaptive.has_value() && design.max_cell_seconds() > 0 &&
        absl::Now() - cell_start >= absl::Seconds(design.max_cell_seconds())) {
      why_stopped = absl::StrCat("max_cell_seconds ", design.max_cell_seconds(),
                                 " reached");
      break;
    }
    const std::vector<std::string>& order = orders[next_order++];
    Block* block = result.add_blocks();
    block->set_index(result.blocks_size() - 1);
    block_values_.clear();
    std::vector<const BranchInput*> branches;
    for (const std::string& name : order) {
      block->add_order(name);
      branches.push_back(by_name[name]);
    }
    absl::Status ran = RunBlock(branches, block, &run_index);
    if (!ran.ok()) {
      sessions_.clear();
      return Fail(absl::Status(
          ran.code(),
          blocks_ > 1 || !Sequential()
              ? absl::StrCat("block ", block->index() + 1, ", ", ran.message())
              : std::string(ran.message())));
    }
    block->set_complete(true);
    if (adaptive.has_value()) {
      absl::Status looked = adaptive->AddBlock(block_values_);
      if (!looked.ok()) return Fail(looked);
      result.set_stop_reason(adaptive->Summary("stopped"));
    }
    RETURN_IF_ERROR(file_.Save());
    if (blocks_ > 1 || !Sequential()) progress_ << BlockLine(*block);
    if (adaptive.has_value()) {
      progress_ << "perfcell: " << adaptive->Line() << std::endl;
      if (adaptive->AllDecided()) {
        why_stopped = adaptive->AnyFutile()
                          ? "every comparison decided or futile"
                          : "every comparison decided";
        break;
      }
      // A branch whose comparison has just settled runs no more (its
      // session VM ends now). The orders of the blocks left are drawn again
      // over the branches still running (seeded by the design's seed and the
      // next block), so that each of them still goes first equally often.
      const std::vector<std::string> open = adaptive->OpenBranches();
      std::vector<std::string> next;
      for (const std::string& name : running) {
        if (name == design.baseline() ||
            std::find(open.begin(), open.end(), name) != open.end()) {
          next.push_back(name);
        } else {
          absl::Status ended = EndSession(name);
          if (!ended.ok()) return Fail(ended);
        }
      }
      if (next != running) {
        running = std::move(next);
        orders = BlockOrders(running, blocks_ - b - 1, design.seed() + b + 1);
        next_order = 0;
      }
    }
  }
  while (!sessions_.empty()) {
    const std::string name = sessions_.begin()->first;
    absl::Status ended = EndSession(name);
    if (!ended.ok()) {
      sessions_.clear();
      return Fail(ended);
    }
  }
  const int ran = result.blocks_size();
  result.set_stop_reason(adaptive.has_value()
                             ? adaptive->Summary(why_stopped)
                             : absl::StrCat("fixed design: ", ran,
                                            ran == 1 ? " block" : " blocks"));
  if (adaptive.has_value()) {
    progress_ << "perfcell: " << result.stop_reason() << "\n";
  }
  // Thresholds last, over everything measured (already saved): a broken
  // one fails the cell with one line naming it.
  const std::string broken = BrokenLine(CheckThresholds(result));
  if (!broken.empty()) return Fail(absl::FailedPreconditionError(broken));
  result.set_status(CellResult::PASSED);
  result.set_end_unix_nanos(absl::ToUnixNanos(absl::Now()));
  RETURN_IF_ERROR(file_.Save());
  progress_ << "perfcell: " << spec.cell() << " passed; results in "
            << o_.out_dir << "\n";
  return absl::OkStatus();
}

}  // namespace

absl::Status RunCell(const CellOptions& options, std::ostream& progress) {
  CellRun run(options, progress);
  return run.Execute();
}

}  // namespace perfcell
