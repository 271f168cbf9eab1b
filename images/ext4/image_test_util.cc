#include "images/ext4/image_test_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <fstream>
#include <random>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace perfcell::ext4::testing {

CommandResult Run(const std::string& command) {
  CommandResult result;
  FILE* pipe = popen(absl::StrCat(command, " 2>&1").c_str(), "r");
  if (pipe == nullptr) return result;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), pipe)) > 0)
    result.output.append(buf, n);
  int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

CommandResult Fsck(const std::string& image) {
  return Run(absl::StrCat("/sbin/e2fsck -fn '", image, "'"));
}

std::string Debugfs(const std::string& image, const std::string& request) {
  return Run(absl::StrCat("/sbin/debugfs -R '", request, "' '", image, "'"))
      .output;
}

std::string DumpFile(const std::string& image, const std::string& path) {
  std::string out = absl::StrCat(NewTempDir(), "/dump");
  Run(absl::StrCat("/sbin/debugfs -R 'dump \"", path, "\" ", out, "' '", image,
                   "'"));
  std::ifstream in(out, std::ios::binary);
  std::stringstream data;
  data << in.rdbuf();
  return data.str();
}

std::string NewTempDir() {
  const char* base = getenv("TEST_TMPDIR");
  std::string templ = absl::StrCat(base ? base : "/tmp", "/ext4-XXXXXX");
  EXPECT_NE(mkdtemp(templ.data()), nullptr);
  return templ;
}

void WriteHostFile(const std::string& path, const std::string& content) {
  Run(absl::StrCat("mkdir -p \"$(dirname '", path, "')\""));
  std::ofstream out(path, std::ios::binary);
  out << content;
}

uint64_t DiskUsage(const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) return 0;
  return static_cast<uint64_t>(st.st_blocks) * 512;
}

std::string RandomBytes(size_t size, uint32_t seed) {
  std::mt19937 rng(seed);
  std::string out(size, '\0');
  for (char& c : out) c = static_cast<char>(rng());
  return out;
}

}  // namespace perfcell::ext4::testing
