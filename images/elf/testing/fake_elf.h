// Builds small ELF64 files for tests: a dynamic object with chosen
// DT_NEEDED/DT_SONAME/DT_RPATH/DT_RUNPATH entries, or a relocatable object
// (a fake kernel module) with chosen sections such as ".modinfo".
//
//   FakeElf ko;
//   ko.type = ET_REL;
//   ko.sections = {{".modinfo", FakeModinfo({"name=a", "depends=b,c"})}};
//   std::string bytes = BuildFakeElf(ko);
#ifndef PERFCELL_IMAGES_ELF_TESTING_FAKE_ELF_H_
#define PERFCELL_IMAGES_ELF_TESTING_FAKE_ELF_H_

#include <elf.h>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace perfcell::elf::testing {

struct FakeElf {
  uint16_t type = ET_DYN;
  uint16_t machine = EM_X86_64;
  std::string interpreter;  // PT_INTERP when not empty
  // A PT_DYNAMIC is written when any of these is set.
  std::vector<std::string> needed;
  std::string soname;
  std::optional<std::string> rpath;
  std::optional<std::string> runpath;
  std::vector<std::pair<std::string, std::string>> sections;  // name, bytes
};

// Returns the bytes of the described file.
std::string BuildFakeElf(const FakeElf& spec);

// Joins "key=value" fields the way .modinfo stores them (NUL after each).
std::string FakeModinfo(const std::vector<std::string>& fields);

}  // namespace perfcell::elf::testing

#endif  // PERFCELL_IMAGES_ELF_TESTING_FAKE_ELF_H_
