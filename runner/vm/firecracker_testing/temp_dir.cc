#include "runner/vm/firecracker_testing/temp_dir.h"

#include <stdlib.h>

#include <filesystem>
#include <fstream>

namespace perfcell {
namespace firecracker_testing {

ScopedTempDir::ScopedTempDir() {
  char pattern[] = "/tmp/fc.XXXXXX";
  if (mkdtemp(pattern) != nullptr) path_ = pattern;
}

ScopedTempDir::~ScopedTempDir() {
  if (path_.empty()) return;
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::string ScopedTempDir::WriteFile(const std::string& name,
                                     const std::string& contents) {
  std::string file = path_ + "/" + name;
  std::ofstream(file, std::ios::binary) << contents;
  return file;
}

}  // namespace firecracker_testing
}  // namespace perfcell
