// modorder: kernel modules in load order, dependencies first.
//
//   modorder --modules_dir=/lib/modules/6.1.0-18-cloud-amd64
//            --want=virtio_blk,virtio_net,virtio_pci,ext4
//
// Prints one path per line, relative to --modules_dir. Modules listed in
// modules.builtin are skipped (built into the kernel).
#include <iostream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "images/elf/modorder.h"

ABSL_FLAG(std::string, modules_dir, "",
          "Directory with the modules, e.g. /lib/modules/$(uname -r).");
ABSL_FLAG(std::vector<std::string>, want, {},
          "Comma-separated module names to load.");

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage("modorder --modules_dir=DIR --want=a,b,c");
  absl::ParseCommandLine(argc, argv);
  if (absl::GetFlag(FLAGS_modules_dir).empty() ||
      absl::GetFlag(FLAGS_want).empty()) {
    std::cerr << "modorder: --modules_dir and --want are required\n";
    return 1;
  }
  absl::StatusOr<std::vector<std::string>> order = perfcell::elf::OrderModules(
      absl::GetFlag(FLAGS_modules_dir), absl::GetFlag(FLAGS_want));
  if (!order.ok()) {
    std::cerr << "modorder: " << order.status().message() << "\n";
    return 1;
  }
  for (const std::string& path : *order) std::cout << path << "\n";
  return 0;
}
