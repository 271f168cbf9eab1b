// Reads the parts of a 64-bit little-endian ELF file that dependency tools
// need: the program interpreter, the dynamic section (DT_NEEDED, DT_SONAME,
// DT_RPATH, DT_RUNPATH) and named sections (e.g. a kernel module's
// ".modinfo").
//
//   absl::StatusOr<ElfFile> elf = ElfFile::Read("/usr/bin/curl");
//   elf->interpreter();      // "/lib64/ld-linux-x86-64.so.2"
//   elf->dynamic().needed;   // {"libcurl.so.4", "libz.so.1", ...}
//
// Every offset read from the file is bounds-checked: a truncated or corrupt
// file gives an InvalidArgument error naming the file, never a crash.
#ifndef PERFCELL_IMAGES_ELF_ELF_FILE_H_
#define PERFCELL_IMAGES_ELF_ELF_FILE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace perfcell::elf {

// What PT_DYNAMIC says. Strings come from the DT_STRTAB table.
struct DynamicInfo {
  std::vector<std::string> needed;     // DT_NEEDED, in file order
  std::string soname;                  // DT_SONAME; empty when absent
  std::optional<std::string> rpath;    // DT_RPATH, colon-separated
  std::optional<std::string> runpath;  // DT_RUNPATH, colon-separated
};

class ElfFile {
 public:
  // Reads and parses the file at `path`.
  static absl::StatusOr<ElfFile> Read(const std::string& path);
  // Parses `bytes`; `name` is only used in error messages.
  static absl::StatusOr<ElfFile> Parse(std::string bytes, std::string name);

  const std::string& name() const { return name_; }
  uint16_t type() const { return type_; }        // ET_EXEC, ET_DYN, ET_REL
  uint16_t machine() const { return machine_; }  // EM_X86_64, ...
  // PT_INTERP's path; empty for a static binary or a library.
  const std::string& interpreter() const { return interpreter_; }
  // Empty DynamicInfo when there is no PT_DYNAMIC.
  const DynamicInfo& dynamic() const { return dynamic_; }
  // Returns the content of the first section called `section_name`, or
  // NotFound. Works on relocatable files (kernel modules) too.
  absl::StatusOr<std::string> Section(absl::string_view section_name) const;

 private:
  ElfFile() = default;
  absl::Status ParseProgramHeaders();
  absl::Status ParseDynamic(uint64_t offset, uint64_t size);
  absl::StatusOr<uint64_t> VirtualToOffset(uint64_t vaddr) const;
  absl::Status Corrupt(absl::string_view what) const;

  struct Load {
    uint64_t vaddr, offset, filesz;
  };

  std::string name_;
  std::string bytes_;
  uint16_t type_ = 0;
  uint16_t machine_ = 0;
  std::string interpreter_;
  DynamicInfo dynamic_;
  std::vector<Load> loads_;
};

}  // namespace perfcell::elf

#endif  // PERFCELL_IMAGES_ELF_ELF_FILE_H_
