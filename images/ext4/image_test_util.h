// Test helpers for images: run e2fsck and debugfs on them, write source files.
#ifndef PERFCELL_IMAGES_EXT4_IMAGE_TEST_UTIL_H_
#define PERFCELL_IMAGES_EXT4_IMAGE_TEST_UTIL_H_

#include <cstdint>
#include <string>

namespace perfcell::ext4::testing {

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

// Runs `command` with /bin/sh and returns its exit code and output.
CommandResult Run(const std::string& command);

// Runs `e2fsck -fn` on the image (exit code 0 means clean).
CommandResult Fsck(const std::string& image);

// Returns the output of `debugfs -R "<request>" image`.
std::string Debugfs(const std::string& image, const std::string& request);

// Returns the bytes of `path` inside the image, via debugfs dump.
std::string DumpFile(const std::string& image, const std::string& path);

// Returns a new empty directory under TEST_TMPDIR.
std::string NewTempDir();

// Writes `content` to `path`, creating parent directories.
void WriteHostFile(const std::string& path, const std::string& content);

// Returns the bytes `path` really occupies on disk (st_blocks * 512).
uint64_t DiskUsage(const std::string& path);

// Returns `size` pseudo-random bytes, the same for the same seed.
std::string RandomBytes(size_t size, uint32_t seed);

}  // namespace perfcell::ext4::testing

#endif  // PERFCELL_IMAGES_EXT4_IMAGE_TEST_UTIL_H_
