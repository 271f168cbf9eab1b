#include "runner/cell/host_fingerprint.h"

#include <string>

#include "gtest/gtest.h"

namespace perfcell {
namespace {

bool Mentions(const std::vector<std::string>& warnings,
              const std::string& word) {
  for (const std::string& w : warnings) {
    if (w.find(word) != std::string::npos) return true;
  }
  return false;
}

TEST(ReadHostFingerprint, ReadsThisMachine) {
  HostFingerprint host = ReadHostFingerprint(getenv("TEST_TMPDIR"));
  EXPECT_GT(host.cpu_count(), 0u);
  EXPECT_GT(host.mem_total_bytes(), 0u);
  EXPECT_FALSE(host.kernel_release().empty());
}

TEST(HostWarnings, NamesEachNoiseSource) {
  HostFingerprint host;
  host.set_cpu_count(2);
  host.set_kvm_present(true);
  host.set_cpu_governor("performance");
  EXPECT_TRUE(HostWarnings(host).empty());

  host.set_disk_rotational(true);
  host.set_cpu_governor("powersave");
  host.set_load_avg_1m(3.5);
  host.set_kvm_present(false);
  std::vector<std::string> w = HostWarnings(host);
  EXPECT_EQ(w.size(), 4u);
  EXPECT_TRUE(Mentions(w, "rotational"));
  EXPECT_TRUE(Mentions(w, "powersave"));
  EXPECT_TRUE(Mentions(w, "3.50"));
  EXPECT_TRUE(Mentions(w, "TCG"));
  // A host-backend cell runs no VM: no KVM means nothing to it.
  EXPECT_FALSE(Mentions(HostWarnings(host, /*uses_vm=*/false), "TCG"));
}

}  // namespace
}  // namespace perfcell
