// modorder: kernel modules in load order, dependencies first.
//
//   modorder --modules_dir=/lib/modules/6.1.0-18-cloud-amd64
//            --want=virtio_blk,virtio_net,virtio_pci,ext4
//
// Prints one path per line, relative to --modules_dir. Modules listed in
// modules.builtin are skipped (built into the kernel). Modules may be
// compressed (.ko.xz, .ko.zst, .ko.gz). With --decompress_to=DIR, each
// module in the order is written there uncompressed (as DIR/<path>.ko) and
// the printed paths are relative to DIR, so a loader that only knows plain
// .ko files (busybox insmod) can load them.
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "images/elf/modorder.h"
#include "images/elf/module_file.h"
#include "tools/cc/atomic_file.h"
#include "tools/cc/cli_flags.h"

ABSL_FLAG(std::string, modules_dir, "",
          "Directory with the modules, e.g. /lib/modules/$(uname -r).");
ABSL_FLAG(std::vector<std::string>, want, {},
          "Comma-separated module names to load.");
ABSL_FLAG(std::string, decompress_to, "",
          "If set: write every module of the order here as a plain .ko "
          "(decompressed when needed) and print paths relative to it.");

namespace {

// Writes the module at `modules_dir`/`rel` to `out_dir` as a plain .ko;
// returns its path relative to `out_dir`.
absl::StatusOr<std::string> Decompress(const std::string& modules_dir,
                                       const std::string& rel,
                                       const std::string& out_dir) {
  absl::StatusOr<std::string> bytes =
      perfcell::elf::ReadModuleFile(absl::StrCat(modules_dir, "/", rel));
  if (!bytes.ok()) return bytes.status();
  const std::string out_rel = perfcell::elf::UncompressedModulePath(rel);
  const std::filesystem::path out = std::filesystem::path(out_dir) / out_rel;
  std::error_code ec;
  std::filesystem::create_directories(out.parent_path(), ec);
  if (ec) {
    return absl::InternalError(absl::StrCat(
        "cannot create \"", out.parent_path().string(), "\": ", ec.message()));
  }
  absl::Status written = perfcell::WriteFileAtomically(out.string(), *bytes);
  if (!written.ok()) return written;
  return out_rel;
}

}  // namespace

int main(int argc, char** argv) {
  if (auto exit = perfcell::ParseCliFlags(
          argc, argv, "modorder",
          "modorder --modules_dir=DIR --want=a,b,c [--decompress_to=OUT]")) {
    return *exit;
  }
  const std::string modules_dir = absl::GetFlag(FLAGS_modules_dir);
  if (modules_dir.empty() || absl::GetFlag(FLAGS_want).empty()) {
    std::cerr << "modorder: --modules_dir and --want are required\n";
    return 1;
  }
  absl::StatusOr<std::vector<std::string>> order =
      perfcell::elf::OrderModules(modules_dir, absl::GetFlag(FLAGS_want));
  if (!order.ok()) {
    std::cerr << "modorder: " << order.status().message() << "\n";
    return 1;
  }
  const std::string out_dir = absl::GetFlag(FLAGS_decompress_to);
  for (std::string path : *order) {
    if (!out_dir.empty()) {
      absl::StatusOr<std::string> out = Decompress(modules_dir, path, out_dir);
      if (!out.ok()) {
        std::cerr << "modorder: " << out.status().message() << "\n";
        return 1;
      }
      path = *out;
    }
    std::cout << path << "\n";
  }
  return 0;
}
