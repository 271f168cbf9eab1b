// bazel run -c opt //images/ext4:bench
//
// Builds one generated tree (2,000 files, ~300 MiB, nested directories, a few
// large files) into a 50 GiB image with mkext4 --from_dir and with the
// reference `mke2fs -t ext4 -d`, then adds a branch payload (a ~20 MiB
// binary and a few libraries) to a copy of the cached base image. Prints the
// context on stderr and the figures on stdout.
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "images/ext4/size.h"
#include "tools/cc/cli_flags.h"

ABSL_FLAG(int, runs, 3, "Runs of each measurement");
ABSL_FLAG(std::string, mkext4, "images/ext4/mkext4",
          "Path of the mkext4 binary (default: from the runfiles)");
ABSL_FLAG(std::string, workdir, "",
          "Where to put the tree and images (default: a new dir in $TMPDIR)");

namespace perfcell::ext4 {
namespace {

struct Measurement {
  std::string name;
  std::vector<double> seconds;
  uint64_t disk_bytes = 0;
  uint64_t apparent_bytes = 0;
};

std::string Quote(const std::string& s) { return absl::StrCat("'", s, "'"); }

bool Sh(const std::string& command) {
  int rc = std::system(command.c_str());
  if (rc != 0) std::cerr << "bench: failed (" << rc << "): " << command << "\n";
  return rc == 0;
}

void WriteRandomFile(const std::string& path, size_t size,
                     std::mt19937_64& rng) {
  std::vector<uint64_t> words((size + 7) / 8);
  for (uint64_t& w : words) w = rng();
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(words.data()), size);
}

// 2,000 files: 1,980 small ones (1-64 KiB) in 4 levels of directories and
// 20 large ones (8-24 MiB). Returns the total bytes.
uint64_t GenerateTree(const std::string& root) {
  std::mt19937_64 rng(20240601);
  uint64_t total = 0;
  for (int i = 0; i < 2000; ++i) {
    std::string dir = absl::StrFormat("%s/d%02d/s%d/t%d", root, i % 20,
                                      (i / 20) % 5, (i / 100) % 4);
    Sh("mkdir -p " + Quote(dir));
    size_t size = i % 100 == 99 ? (8 + rng() % 17) << 20 : 1024 + rng() % 65536;
    WriteRandomFile(absl::StrFormat("%s/f%04d.bin", dir, i), size, rng);
    total += size;
  }
  return total;
}

uint64_t DiskUse(const std::string& path, uint64_t* apparent) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) return 0;
  *apparent = st.st_size;
  return static_cast<uint64_t>(st.st_blocks) * 512;
}

std::string FormatSeconds(double s) {
  if (s < 1e-3) return absl::StrFormat("%.1f us", s * 1e6);
  if (s < 1) return absl::StrFormat("%.1f ms", s * 1e3);
  return absl::StrFormat("%.2f s", s);
}

// Runs `prepare` (untimed) and `command` (timed) `runs` times.
Measurement Measure(const std::string& name, const std::string& image,
                    const std::function<bool()>& prepare,
                    const std::string& command, int runs) {
  Measurement m{name};
  for (int i = 0; i < runs; ++i) {
    if (!prepare()) break;
    absl::Time start = absl::Now();
    if (!Sh(command)) break;
    m.seconds.push_back(absl::ToDoubleSeconds(absl::Now() - start));
    std::cerr << absl::StrFormat("  %-34s run %d: %s\n", name, i + 1,
                                 FormatSeconds(m.seconds.back()));
  }
  m.disk_bytes = DiskUse(image, &m.apparent_bytes);
  return m;
}

void PrintContext(const std::string& workdir) {
  struct utsname u;
  uname(&u);
  std::string cpu = "unknown";
  std::ifstream cpuinfo("/proc/cpuinfo");
  for (std::string line; std::getline(cpuinfo, line);) {
    if (line.rfind("model name", 0) == 0) {
      cpu = line.substr(line.find(':') + 2);
      break;
    }
  }
  double load[3] = {0, 0, 0};
  getloadavg(load, 3);
  std::cerr << absl::StrFormat(
      "host: %s (%s %s)\ncpu: %s x %ld\nload: %.2f %.2f %.2f\nworkdir: %s\n",
      u.nodename, u.sysname, u.release, cpu, sysconf(_SC_NPROCESSORS_ONLN),
      load[0], load[1], load[2], workdir);
#ifndef NDEBUG
  std::cerr << "warning: bench built without -c opt; mkext4 is built the "
               "same way (bazel run -c opt //images/ext4:bench)\n";
#endif
  if (load[0] > 1.0) {
    std::cerr << "warning: load above 1: other work shares the machine\n";
  }
}

void PrintResults(const std::vector<Measurement>& results) {
  std::cout << absl::StrFormat("%-36s %12s %10s %10s %4s %12s %10s\n",
                               "measurement", "mean", "stddev", "min", "n",
                               "disk use", "apparent");
  for (const Measurement& m : results) {
    double sum = 0, min = m.seconds.empty() ? 0 : m.seconds[0];
    for (double s : m.seconds) {
      sum += s;
      min = std::min(min, s);
    }
    size_t n = m.seconds.size();
    double mean = n ? sum / n : 0, var = 0;
    for (double s : m.seconds) var += (s - mean) * (s - mean);
    double sd = n > 1 ? std::sqrt(var / (n - 1)) : 0;  // n-1; 0 for one run
    std::cout << absl::StrFormat(
        "%-36s %12s %10s %10s %4d %12s %10s\n", m.name, FormatSeconds(mean),
        FormatSeconds(sd), FormatSeconds(min), n, FormatBytes(m.disk_bytes),
        FormatBytes(m.apparent_bytes));
  }
}

int Main() {
  std::string workdir = absl::GetFlag(FLAGS_workdir);
  if (workdir.empty()) {
    const char* tmp = getenv("TMPDIR");
    std::string templ = absl::StrCat(tmp ? tmp : "/tmp", "/ext4-bench-XXXXXX");
    if (mkdtemp(templ.data()) == nullptr) return 1;
    workdir = templ;
  }
  std::string mkext4 = absl::GetFlag(FLAGS_mkext4);
  if (mkext4.front() != '/') {
    char cwd[4096];
    mkext4 = absl::StrCat(getcwd(cwd, sizeof(cwd)), "/", mkext4);
  }
  int runs = absl::GetFlag(FLAGS_runs);
  PrintContext(workdir);

  std::string tree = workdir + "/tree";
  std::string payload = workdir + "/payload";
  std::cerr << "generating the input tree...\n";
  uint64_t tree_bytes = GenerateTree(tree);
  std::mt19937_64 rng(7);
  Sh("mkdir -p " + Quote(payload + "/opt/app/lib"));
  WriteRandomFile(payload + "/opt/app/server", 20 << 20, rng);
  for (int i = 0; i < 4; ++i) {
    WriteRandomFile(absl::StrCat(payload, "/opt/app/lib/lib", i, ".so"),
                    (1 + i) << 19, rng);
  }
  std::cerr << absl::StrFormat("input: 2000 files, %s; payload: 5 files\n",
                               FormatBytes(tree_bytes));

  std::string base = workdir + "/base.img";
  std::string ref = workdir + "/mke2fs.img";
  std::string copy = workdir + "/branch.img";
  auto remove = [](const std::string& f) {
    return [f] { return unlink(f.c_str()) == 0 || errno == ENOENT; };
  };
  std::vector<Measurement> results;
  results.push_back(
      Measure("mkext4 --from_dir (50G image)", base, remove(base),
              absl::StrCat(Quote(mkext4), " --from_dir=", Quote(tree),
                           " --owner=0:0 --size=50G --out=", Quote(base)),
              runs));
  results.push_back(
      Measure("mke2fs -t ext4 -d (50G image)", ref, remove(ref),
              absl::StrCat("mke2fs -q -F -t ext4 -d ", Quote(tree), " ",
                           Quote(ref), " 50G >/dev/null"),
              runs));
  results.push_back(Measure("cp --reflink=auto --sparse base", copy,
                            remove(copy),
                            absl::StrCat("cp --reflink=auto --sparse=always ",
                                         Quote(base), " ", Quote(copy)),
                            runs));
  results.push_back(Measure(
      "mkext4 --add payload (in place)", copy,
      [&] {
        return unlink(copy.c_str()) >= -1 &&
               Sh(absl::StrCat("cp --reflink=auto --sparse=always ",
                               Quote(base), " ", Quote(copy)));
      },
      absl::StrCat(Quote(mkext4), " --add --from_dir=", Quote(payload),
                   " --owner=0:0 --out=", Quote(copy)),
      runs));
  results.push_back(Measure(
      "mkext4 --base=base --out (copy+add)", copy, remove(copy),
      absl::StrCat(Quote(mkext4), " --base=", Quote(base), " --from_dir=",
                   Quote(payload), " --owner=0:0 --out=", Quote(copy)),
      runs));
  PrintResults(results);
  Sh("rm -rf " + Quote(workdir));
  return 0;
}

}  // namespace
}  // namespace perfcell::ext4

int main(int argc, char** argv) {
  if (auto exit = perfcell::ParseCliFlags(
          argc, argv, "mkext4_bench",
          "Times mkext4 against mke2fs -d on the same tree and prints both.")) {
    return *exit;
  }
  return perfcell::ext4::Main();
}
