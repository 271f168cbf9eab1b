// A scratch directory for tests with a short path (under /tmp), because unix
// socket paths are limited to 107 bytes and Bazel's TEST_TMPDIR is often
// longer than that. Removed with its contents when the object goes away.
//
//   ScopedTempDir dir;
//   std::string socket = dir.path() + "/api.sock";  //
//   "/tmp/fc.Ab12Cd/api.sock"
#ifndef PERFCELL_RUNNER_VM_FIRECRACKER_TESTING_TEMP_DIR_H_
#define PERFCELL_RUNNER_VM_FIRECRACKER_TESTING_TEMP_DIR_H_

#include <string>

namespace perfcell {
namespace firecracker_testing {

class ScopedTempDir {
 public:
  ScopedTempDir();
  ~ScopedTempDir();
  ScopedTempDir(const ScopedTempDir&) = delete;
  ScopedTempDir& operator=(const ScopedTempDir&) = delete;

  // Empty if the directory could not be made.
  const std::string& path() const { return path_; }

  // Creates `name` in the directory with `contents`; returns its path.
  std::string WriteFile(const std::string& name, const std::string& contents);

 private:
  std::string path_;
};

}  // namespace firecracker_testing
}  // namespace perfcell

#endif  // PERFCELL_RUNNER_VM_FIRECRACKER_TESTING_TEMP_DIR_H_
