#include "images/elf/modinfo.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "images/elf/elf_file.h"
#include "tools/cc/status_macros.h"

namespace perfcell::elf {
namespace {

constexpr absl::string_view kCompressedSuffixes[] = {".ko.xz", ".ko.zst",
                                                     ".ko.gz"};

}  // namespace

ModuleInfo ParseModinfo(absl::string_view section) {
  ModuleInfo info;
  for (absl::string_view field :
       absl::StrSplit(section, absl::ByChar('\0'), absl::SkipEmpty())) {
    std::pair<std::string, std::string> kv =
        absl::StrSplit(field, absl::MaxSplits('=', 1));
    if (kv.first == "name") info.name = kv.second;
    if (kv.first == "depends") {
      for (absl::string_view dep :
           absl::StrSplit(kv.second, ',', absl::SkipWhitespace())) {
        std::string name(dep);
        std::replace(name.begin(), name.end(), '-', '_');
        info.depends.push_back(std::move(name));
      }
    }
    info.fields.push_back(std::move(kv));
  }
  return info;
}

bool IsCompressedModule(absl::string_view path) {
  for (absl::string_view suffix : kCompressedSuffixes) {
    if (absl::EndsWith(path, suffix)) return true;
  }
  return false;
}

std::string ModuleNameFromPath(absl::string_view path) {
  absl::string_view base = path.substr(path.rfind('/') + 1);
  for (absl::string_view suffix : kCompressedSuffixes) {
    if (absl::ConsumeSuffix(&base, suffix)) break;
  }
  absl::ConsumeSuffix(&base, ".ko");
  std::string name(base);
  std::replace(name.begin(), name.end(), '-', '_');
  return name;
}

absl::StatusOr<ModuleInfo> ReadModuleInfo(const std::string& path) {
  if (IsCompressedModule(path)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "module \"", path,
        "\" is compressed; decompress it (xz -d / zstd -d / gunzip) before "
        "reading or loading it"));
  }
  ASSIGN_OR_RETURN(ElfFile elf, ElfFile::Read(path));
  ASSIGN_OR_RETURN(std::string section, elf.Section(".modinfo"));
  return ParseModinfo(section);
}

}  // namespace perfcell::elf
