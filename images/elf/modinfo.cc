#include "images/elf/modinfo.h"

#include <algorithm>
#include <string>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "images/elf/elf_file.h"
#include "tools/cc/status_macros.h"

namespace perfcell::elf {

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

std::string ModuleNameFromPath(absl::string_view path) {
  std::string name = UncompressedModulePath(path.substr(path.rfind('/') + 1));
  if (absl::EndsWith(name, ".ko")) name.resize(name.size() - 3);
  std::replace(name.begin(), name.end(), '-', '_');
  return name;
}

absl::StatusOr<ModuleInfo> ReadModuleInfo(const std::string& path) {
  ASSIGN_OR_RETURN(std::string bytes, ReadModuleFile(path));
  ASSIGN_OR_RETURN(ElfFile elf, ElfFile::Parse(std::move(bytes), path));
  ASSIGN_OR_RETURN(std::string section, elf.Section(".modinfo"));
  return ParseModinfo(section);
}

}  // namespace perfcell::elf
