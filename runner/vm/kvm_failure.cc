#include "runner/vm/kvm_failure.h"

#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "re2/re2.h"

namespace perfcell {

std::optional<std::string> KvmFailureFromStderr(
    const std::vector<std::string>& lines) {
  // What QEMU prints when KVM cannot run the guest (target/i386/kvm and
  // accel/kvm): the internal error and its suberror, the emulation failure,
  // a failed KVM_RUN, MSRs or CPUID that the host's KVM refuses.
  static const LazyRE2 kKvm = {
      R"((?i)(KVM internal error|emulation failure|kvm run failed|)"
      R"(failed to set MSR|kvm_buf_set_msrs|KVM_[A-Z_]+ failed|)"
      R"(kvm_init_vcpu|Could not access KVM kernel module|)"
      R"(failed to initialize kvm))"};
  // Lines of the register dump that follows an internal error.
  static const LazyRE2 kDump = {
      R"(^\s*(([A-Z][A-Z0-9]{1,3}\s*=)|Code=|extra data\[))"};
  bool found = false;
  std::vector<std::string> said;
  for (const std::string& raw : lines) {
    std::string line(absl::StripAsciiWhitespace(raw));
    if (line.empty()) continue;
    if (RE2::PartialMatch(line, *kKvm)) found = true;
    if (RE2::PartialMatch(line, *kDump)) continue;
    if (said.size() < 3) said.push_back(line);
  }
  if (!found) return std::nullopt;
  return absl::StrJoin(said, "; ");
}

bool QmpStatusMeansStopped(const std::string& status) {
  return !(status.empty() || status == "running" || status == "prelaunch" ||
           status == "inmigrate" || status == "finish-migrate" ||
           status == "postmigrate" || status == "suspended" ||
           status == "restore-vm" || status == "save-vm");
}

}  // namespace perfcell
