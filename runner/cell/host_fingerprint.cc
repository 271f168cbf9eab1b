#include "runner/cell/host_fingerprint.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "re2/re2.h"

namespace perfcell {
namespace {

std::string FirstLine(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return std::string(absl::StripAsciiWhitespace(line));
}

// /sys/dev/block/M:m is the partition or the disk; a partition's queue is its
// parent's.
bool Rotational(dev_t dev) {
  std::string base =
      absl::StrCat("/sys/dev/block/", major(dev), ":", minor(dev));
  std::string r = FirstLine(base + "/queue/rotational");
  if (r.empty()) r = FirstLine(base + "/../queue/rotational");
  return r == "1";
}

}  // namespace

HostFingerprint ReadHostFingerprint(const std::string& disk_path) {
  HostFingerprint host;
  char name[256] = {0};
  if (gethostname(name, sizeof(name) - 1) == 0) host.set_hostname(name);
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string line;
  static const LazyRE2 kModel = {R"(model name\s*:\s*(.*))"};
  uint32_t cpus = 0;
  while (std::getline(cpuinfo, line)) {
    std::string model;
    if (RE2::FullMatch(line, *kModel, &model)) {
      ++cpus;
      if (host.cpu_model().empty()) host.set_cpu_model(model);
    }
  }
  host.set_cpu_count(
      cpus > 0 ? cpus : static_cast<uint32_t>(sysconf(_SC_NPROCESSORS_ONLN)));
  host.set_cpu_governor(
      FirstLine("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor"));
  struct stat st;
  if (stat(disk_path.c_str(), &st) == 0)
    host.set_disk_rotational(Rotational(st.st_dev));
  std::istringstream load(FirstLine("/proc/loadavg"));
  double load1 = 0;
  load >> load1;
  host.set_load_avg_1m(load1);
  int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
  host.set_kvm_present(kvm >= 0);
  if (kvm >= 0) close(kvm);
  std::ifstream meminfo("/proc/meminfo");
  static const LazyRE2 kMemTotal = {R"(MemTotal:\s*(\d+) kB)"};
  while (std::getline(meminfo, line)) {
    uint64_t kib;
    if (RE2::FullMatch(line, *kMemTotal, &kib))
      host.set_mem_total_bytes(kib * 1024);
  }
  struct utsname u;
  if (uname(&u) == 0) host.set_kernel_release(u.release);
  return host;
}

}  // namespace perfcell
