#include "contract/host_warnings.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace perfcell::contract {
namespace {

bool Mentions(const std::vector<std::string>& warnings,
              const std::string& word) {
  for (const std::string& w : warnings) {
    if (w.find(word) != std::string::npos) return true;
  }
  return false;
}

HostFingerprint QuietHost() {
  HostFingerprint host;
  host.set_cpu_count(2);
  host.set_kvm_present(true);
  host.set_cpu_governor("performance");
  return host;
}

TEST(GovernorVariesClock, EveryGovernorButPerformance) {
  EXPECT_FALSE(GovernorVariesClock("performance"));
  EXPECT_FALSE(GovernorVariesClock(""));  // unknown: not flagged
  for (const char* g :
       {"powersave", "ondemand", "schedutil", "conservative", "userspace"}) {
    EXPECT_TRUE(GovernorVariesClock(g)) << g;
  }
}

TEST(HostWarnings, QuietHostHasNone) {
  EXPECT_TRUE(HostWarnings(QuietHost(), {}).empty());
}

TEST(HostWarnings, NamesEachNoiseSource) {
  HostFingerprint host = QuietHost();
  host.set_disk_rotational(true);
  host.set_cpu_governor("conservative");
  host.set_load_avg_1m(3.5);
  host.set_kvm_present(false);
  std::vector<std::string> w = HostWarnings(host, {});
  ASSERT_EQ(w.size(), 4u);
  EXPECT_TRUE(Mentions(w, "rotational"));
  EXPECT_TRUE(Mentions(w, "\"conservative\""));
  EXPECT_TRUE(Mentions(w, "3.50 on 2 CPUs"));
  EXPECT_TRUE(Mentions(w, "TCG"));
  // The report leaves the load out.
  EXPECT_FALSE(
      Mentions(HostWarnings(host, {.with_load = false}), "load average"));
}

TEST(HostWarnings, TcgFromTheAcceleratorWhenKnown) {
  HostFingerprint host = QuietHost();
  // /dev/kvm present, but the VMs fell back to TCG.
  EXPECT_TRUE(Mentions(HostWarnings(host, {.accelerator = "tcg"}), "TCG"));
  host.set_kvm_present(false);
  // A server on the host runs no VM: no KVM means nothing to it.
  EXPECT_TRUE(HostWarnings(host, {.accelerator = "none"}).empty());
  EXPECT_TRUE(HostWarnings(host, {.accelerator = "kvm"}).empty());
  EXPECT_TRUE(Mentions(HostWarnings(host, {}), "TCG"));
}

}  // namespace
}  // namespace perfcell::contract
