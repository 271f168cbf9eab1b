#include "contract/host_warnings.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace perfcell::contract {

bool GovernorVariesClock(absl::string_view governor) {
  return !governor.empty() && governor != "performance";
}

std::vector<std::string> HostWarnings(const HostFingerprint& host,
                                      const HostUse& use) {
  std::vector<std::string> warnings;
  if (host.disk_rotational()) {
    warnings.push_back(
        "the disk under the cell's data is rotational (HDD): seeks and "
        "fragmentation will dominate; put TEST_TMPDIR on an SSD "
        "(--test_tmpdir)");
  }
  if (GovernorVariesClock(host.cpu_governor())) {
    warnings.push_back(absl::StrCat(
        "CPU frequency governor is \"", host.cpu_governor(),
        "\": clock speed changes with load; set it to \"performance\""));
  }
  if (use.with_load && host.cpu_count() > 0 &&
      host.load_avg_1m() > 0.5 * host.cpu_count()) {
    warnings.push_back(absl::StrFormat(
        "load average %.2f on %d CPUs: other work competes with the cell",
        host.load_avg_1m(), host.cpu_count()));
  }
  const bool tcg = use.accelerator == "tcg" ||
                   (use.accelerator.empty() && !host.kvm_present());
  if (tcg) {
    warnings.push_back(
        "no usable /dev/kvm: VMs run under TCG emulation, far slower than on "
        "KVM; compare only with other TCG results");
  }
  return warnings;
}

}  // namespace perfcell::contract
