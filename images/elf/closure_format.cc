#include "images/elf/closure_format.h"

#include "absl/strings/str_cat.h"

namespace perfcell::elf {

absl::StatusOr<ClosureFormat> ParseClosureFormat(const std::string& name) {
  if (name == "lines") return ClosureFormat::kLines;
  if (name == "manifest") return ClosureFormat::kManifest;
  return absl::InvalidArgumentError(
      absl::StrCat("unknown format \"", name, "\"; use lines or manifest"));
}

std::string FormatClosure(const Closure& closure, ClosureFormat format,
                          const std::string& lib_dir) {
  std::string out;
  const char* separator = format == ClosureFormat::kLines ? " " : "=";
  if (!closure.interpreter.soname.empty()) {
    absl::StrAppend(&out, closure.interpreter.soname, separator,
                    closure.interpreter.real_path, "\n");
  }
  for (const Library& lib : closure.libraries) {
    std::string name = format == ClosureFormat::kLines
                           ? lib.soname
                           : absl::StrCat(lib_dir, "/", lib.soname);
    absl::StrAppend(&out, name, separator, lib.real_path, "\n");
  }
  return out;
}

}  // namespace perfcell::elf
