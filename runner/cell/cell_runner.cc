#include "runner/cell/cell_runner.h"

#include <sys/stat.h>
#include <unistd.h>

#include <iostream>
#include <memory>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "runner/cell/host_fingerprint.h"
#include "runner/cell/result_file.h"
#include "runner/vm/firecracker_vm.h"
#include "runner/vm/host_vm.h"
#include "runner/vm/qemu_vm.h"
#include "runner/workload/workload.h"
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
  // Hashing reads every byte: a 50 GiB sparse data disk would cost a minute.
  // Files that large are named by size only; what they hold is made by a
  // Bazel target recorded in the spec.
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

std::string Mib(uint64_t bytes) {
  return absl::StrFormat("%.1f MiB", static_cast<double>(bytes) / (1 << 20));
}

absl::StatusOr<std::unique_ptr<Vm>> MakeVm(const CellOptions& o,
                                           const VmConfig& config) {
  switch (o.spec.backend()) {
    case BACKEND_QEMU: {
      QemuOptions q;
      q.accel = o.qemu_accel;
      return MakeQemuVm(config, q);
    }
    case BACKEND_HOST:
      return MakeHostVm(config);
    case BACKEND_FIRECRACKER: {
      FirecrackerOptions f;
      if (!o.firecracker_binary.empty()) f.binary = o.firecracker_binary;
      f.tap_device = o.tap_device;
      f.guest_ip = o.guest_ip;
      return MakeFirecrackerVm(config, f);
    }
    default:
      return absl::InvalidArgumentError(
          absl::StrCat("backend ", Backend_Name(o.spec.backend()),
                       " is unknown; use qemu, firecracker or host"));
  }
}

// Why the cell failed, best explanation first: what the guest reported
// (OOM killer, server exit) explains a failed request better than the
// request's own error does.
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

}  // namespace

absl::Status RunCell(const CellOptions& o, std::ostream& progress) {
  ResultFile file(o.out_dir);
  CellResult& result = file.result();
  *result.mutable_spec() = o.spec;
  result.set_status(CellResult::RUNNING);
  result.set_start_unix_nanos(absl::ToUnixNanos(absl::Now()));
  result.set_console_log("console.log");
  Provenance* prov = result.mutable_provenance();
  *prov->mutable_host() = ReadHostFingerprint(o.work_dir);
  prov->set_kernel(o.kernel_package);
  prov->set_bazel_target(o.bazel_target);
  AddArtifact(prov, "server", o.server_binary);
  if (result.spec().binaries_size() > 0 && prov->artifacts_size() > 0) {
    result.mutable_spec()->mutable_binaries(0)->set_sha256(
        prov->artifacts(0).sha256());
  }
  if (o.spec.backend() != BACKEND_HOST) {
    AddArtifact(prov, "kernel", o.kernel);
    AddArtifact(prov, "initramfs", o.initramfs);
    AddArtifact(prov, "base", o.base_image);
    AddArtifact(prov, "payload", o.payload_image);
    AddArtifact(prov, "data_template", o.data_image_template);
  }
  for (const std::string& w : HostWarnings(
           prov->host(), /*uses_vm=*/o.spec.backend() != BACKEND_HOST)) {
    std::cerr << "perfcell: warning: " << w << "\n";
  }
  RETURN_IF_ERROR(file.Save());
  file.InstallKillHandler();

  auto fail = [&](const absl::Status& s) {
    result.set_status(CellResult::FAILED);
    result.set_error(std::string(s.message()));
    result.set_end_unix_nanos(absl::ToUnixNanos(absl::Now()));
    absl::Status saved = file.Save();
    if (!saved.ok()) std::cerr << "perfcell: " << saved.message() << "\n";
    return s;
  };

  VmConfig config;
  config.kernel = o.kernel;
  config.initramfs = o.initramfs;
  config.base_image = o.base_image;
  config.payload_image = o.payload_image;
  config.memory_mib = o.spec.memory_mib();
  config.vcpus = o.spec.vcpus();
  config.cache_mode = o.cache_mode;
  config.work_dir = o.work_dir;
  config.console_log = absl::StrCat(o.out_dir, "/console.log");
  if (o.spec.timeouts().boot_seconds() > 0) {
    config.boot_timeout = absl::Seconds(o.spec.timeouts().boot_seconds());
  }
  if (o.spec.backend() != BACKEND_HOST) {
    config.data_image = absl::StrCat(o.work_dir, "/data.ext4");
    absl::Status copied = SparseCopy(o.data_image_template, config.data_image);
    if (!copied.ok()) return fail(copied);
  } else {
    config.host_argv.push_back(o.server_binary);
    for (const std::string& a : o.host_args) config.host_argv.push_back(a);
    config.host_env.push_back("PS_SHARED_SECRET=" + o.shared_secret);
  }

  absl::StatusOr<std::unique_ptr<Vm>> vm = MakeVm(o, config);
  if (!vm.ok()) return fail(vm.status());
  const std::string backend = absl::AsciiStrToLower(
      absl::StripPrefix(Backend_Name(o.spec.backend()), "BACKEND_"));
  progress << "perfcell: booting " << o.spec.cell() << " ("
           << o.spec.memory_mib() << " MiB, " << backend << ")" << std::endl;
  absl::Status started = (*vm)->Start();
  VmInfo info = (*vm)->Info();
  prov->set_backend(info.backend);
  prov->set_backend_version(info.backend_version);
  prov->set_accelerator(info.accelerator);
  prov->set_accelerator_note(info.accelerator_note);
  prov->set_cache_mode(info.cache_mode);
  if (!started.ok()) return fail(started);
  result.set_boot_seconds((*vm)->BootSeconds());
  progress << absl::StrFormat("perfcell: ready after %.2f s (%s)\n",
                              (*vm)->BootSeconds(), info.accelerator);
  if (!info.accelerator_note.empty()) {
    std::cerr << "perfcell: warning: " << info.accelerator_note << "\n";
  }
  RETURN_IF_ERROR(file.Save());

  const std::string branch =
      o.spec.binaries_size() > 0 ? o.spec.binaries(0).branch() : "";
  WorkloadRun run =
      WorkloadRunFromSpec(o.spec, (*vm)->ServerUrl(), o.shared_secret, branch);
  run.guest_metrics = [&vm]() { return (*vm)->Metrics(); };
  const uint32_t total =
      o.spec.workload().iterations() + o.spec.workload().warmup_iterations();
  run.on_iteration = [&](const Iteration& it) {
    *result.add_iterations() = it;
    absl::Status saved = file.Save();
    if (!saved.ok()) std::cerr << "perfcell: " << saved.message() << "\n";
    double mibs = it.seconds() > 0 ? it.bytes() / it.seconds() / (1 << 20) : 0;
    progress << absl::StrFormat(
        "perfcell: iteration %d/%d%s %s in %.3f s = %.1f MiB/s%s%s\n",
        it.index() + 1, total, it.warmup() ? " (warm-up)" : "", Mib(it.bytes()),
        it.seconds(), mibs, it.ok() ? "" : "  FAILED: ", it.error());
    progress.flush();
  };
  WorkloadResult measured;
  absl::Status ran = RunWorkload(run, &measured);
  for (const LatencyHistogram& h : measured.histograms)
    *result.add_histograms() = h;
  if (!ran.ok()) {
    fail(ran);  // saved now: a kill while we look closer keeps this reason
    absl::Status why = Explain(**vm, ran);
    if (why.message() != ran.message()) fail(why);
    (*vm)->Stop(absl::Seconds(5)).IgnoreError();
    return why;
  }
  absl::Status health = (*vm)->Health();
  absl::Status stopped = (*vm)->Stop(absl::Seconds(20));
  if (!health.ok()) return fail(health);
  if (!stopped.ok()) {
    std::cerr << "perfcell: warning: " << stopped.message() << "\n";
  }
  result.set_status(CellResult::PASSED);
  result.set_end_unix_nanos(absl::ToUnixNanos(absl::Now()));
  RETURN_IF_ERROR(file.Save());
  progress << "perfcell: " << o.spec.cell() << " passed; results in "
           << o.out_dir << "\n";
  return absl::OkStatus();
}

}  // namespace perfcell
