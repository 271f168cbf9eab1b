// elfdeps: the interpreter and shared libraries a dynamic ELF binary loads.
//
//   elfdeps --binary=/usr/bin/curl [--format=lines|manifest]
//           [--library_path=DIR:DIR] [--default_dirs=DIR:DIR]
//           [--lib_dir=/lib/x86_64-linux-gnu]
//
// A static binary prints nothing. A missing library is one line on stderr
// naming it and the object that needs it, and exit status 1.
#include <iostream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/str_split.h"
#include "images/elf/closure.h"
#include "images/elf/closure_format.h"
#include "tools/cc/cli_flags.h"

ABSL_FLAG(std::string, binary, "", "The dynamic ELF executable.");
ABSL_FLAG(std::string, format, "lines",
          "lines: 'NAME REAL_PATH'; manifest: 'DEST=SRC' for image rules.");
ABSL_FLAG(std::string, library_path, "",
          "Colon-separated directories searched like LD_LIBRARY_PATH.");
ABSL_FLAG(std::string, default_dirs, "",
          "Colon-separated replacement for the default directories "
          "(/lib/x86_64-linux-gnu:/usr/lib/x86_64-linux-gnu:/lib64:/lib:"
          "/usr/lib).");
ABSL_FLAG(std::string, lib_dir, "/lib/x86_64-linux-gnu",
          "--format=manifest: guest directory the libraries go to.");

namespace {

std::vector<std::string> Dirs(const std::string& list) {
  return absl::StrSplit(list, ':', absl::SkipEmpty());
}

}  // namespace

int main(int argc, char** argv) {
  if (auto exit = perfcell::ParseCliFlags(
          argc, argv, "elfdeps",
          "elfdeps --binary=PATH [--format=lines|manifest] "
          "[--library_path=DIRS]")) {
    return *exit;
  }
  absl::StatusOr<perfcell::elf::ClosureFormat> format =
      perfcell::elf::ParseClosureFormat(absl::GetFlag(FLAGS_format));
  if (!format.ok()) {
    std::cerr << "elfdeps: " << format.status().message() << "\n";
    return 1;
  }
  if (absl::GetFlag(FLAGS_binary).empty()) {
    std::cerr << "elfdeps: --binary is required\n";
    return 1;
  }
  perfcell::elf::ClosureOptions options;
  options.extra_dirs = Dirs(absl::GetFlag(FLAGS_library_path));
  if (!absl::GetFlag(FLAGS_default_dirs).empty()) {
    options.default_dirs = Dirs(absl::GetFlag(FLAGS_default_dirs));
  }
  absl::StatusOr<perfcell::elf::Closure> closure =
      perfcell::elf::ResolveClosure(absl::GetFlag(FLAGS_binary), options);
  if (!closure.ok()) {
    std::cerr << "elfdeps: " << closure.status().message() << "\n";
    return 1;
  }
  std::cout << perfcell::elf::FormatClosure(*closure, *format,
                                            absl::GetFlag(FLAGS_lib_dir));
  return 0;
}
