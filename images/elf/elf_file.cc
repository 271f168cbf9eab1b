#include "images/elf/elf_file.h"

#include <elf.h>

#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"
#include "tools/cc/atomic_file.h"
#include "tools/cc/status_macros.h"

namespace perfcell::elf {
namespace {

// Copies a T from `bytes` at `offset`, or returns false when it does not fit.
template <typename T>
bool ReadAt(const std::string& bytes, uint64_t offset, T* out) {
  if (offset > bytes.size() || bytes.size() - offset < sizeof(T)) return false;
  std::memcpy(out, bytes.data() + offset, sizeof(T));
  return true;
}

// The NUL-terminated string at `offset` of the table [table, table + size).
std::optional<std::string> StringAt(const std::string& bytes, uint64_t table,
                                    uint64_t size, uint64_t offset) {
  if (table > bytes.size() || offset >= size) return std::nullopt;
  uint64_t end = std::min<uint64_t>(bytes.size(), table + size);
  uint64_t start = table + offset;
  if (start >= end) return std::nullopt;
  const char* p = bytes.data() + start;
  const void* nul = std::memchr(p, '\0', end - start);
  if (nul == nullptr) return std::nullopt;
  return std::string(p, static_cast<const char*>(nul) - p);
}

}  // namespace

absl::StatusOr<ElfFile> ElfFile::Read(const std::string& path) {
  ASSIGN_OR_RETURN(std::string bytes, ReadFile(path));
  return Parse(std::move(bytes), path);
}

absl::Status ElfFile::Corrupt(absl::string_view what) const {
  return absl::InvalidArgumentError(
      absl::StrCat("\"", name_, "\" is not a valid ELF64 file: ", what));
}

absl::StatusOr<ElfFile> ElfFile::Parse(std::string bytes, std::string name) {
  ElfFile elf;
  elf.name_ = std::move(name);
  elf.bytes_ = std::move(bytes);
  Elf64_Ehdr eh;
  if (!ReadAt(elf.bytes_, 0, &eh) ||
      std::memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0) {
    return elf.Corrupt("no ELF magic");
  }
  if (eh.e_ident[EI_CLASS] != ELFCLASS64 ||
      eh.e_ident[EI_DATA] != ELFDATA2LSB) {
    return elf.Corrupt("only 64-bit little-endian files are supported");
  }
  elf.type_ = eh.e_type;
  elf.machine_ = eh.e_machine;
  RETURN_IF_ERROR(elf.ParseProgramHeaders());
  return elf;
}

absl::Status ElfFile::ParseProgramHeaders() {
  Elf64_Ehdr eh;
  ReadAt(bytes_, 0, &eh);
  if (eh.e_phnum == 0) return absl::OkStatus();
  if (eh.e_phentsize != sizeof(Elf64_Phdr)) {
    return Corrupt("unexpected program header size");
  }
  std::vector<Elf64_Phdr> phdrs(eh.e_phnum);
  for (uint16_t i = 0; i < eh.e_phnum; ++i) {
    if (!ReadAt(bytes_, eh.e_phoff + uint64_t{i} * sizeof(Elf64_Phdr),
                &phdrs[i])) {
      return Corrupt("program headers run past the end of the file");
    }
    if (phdrs[i].p_type == PT_LOAD) {
      loads_.push_back(
          {phdrs[i].p_vaddr, phdrs[i].p_offset, phdrs[i].p_filesz});
    }
  }
  for (const Elf64_Phdr& ph : phdrs) {
    if (ph.p_type == PT_INTERP) {
      std::optional<std::string> interp =
          StringAt(bytes_, ph.p_offset, ph.p_filesz, 0);
      if (!interp.has_value()) return Corrupt("bad PT_INTERP");
      interpreter_ = *interp;
    } else if (ph.p_type == PT_DYNAMIC) {
      RETURN_IF_ERROR(ParseDynamic(ph.p_offset, ph.p_filesz));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<uint64_t> ElfFile::VirtualToOffset(uint64_t vaddr) const {
  for (const Load& load : loads_) {
    if (vaddr >= load.vaddr && vaddr - load.vaddr < load.filesz) {
      return load.offset + (vaddr - load.vaddr);
    }
  }
  return Corrupt(absl::StrCat("address 0x", absl::Hex(vaddr),
                              " is in no PT_LOAD segment"));
}

absl::Status ElfFile::ParseDynamic(uint64_t offset, uint64_t size) {
  std::vector<Elf64_Dyn> entries;
  for (uint64_t at = offset; at + sizeof(Elf64_Dyn) <= offset + size;
       at += sizeof(Elf64_Dyn)) {
    Elf64_Dyn dyn;
    if (!ReadAt(bytes_, at, &dyn)) return Corrupt("truncated PT_DYNAMIC");
    if (dyn.d_tag == DT_NULL) break;
    entries.push_back(dyn);
  }
  uint64_t strtab_vaddr = 0, strsz = 0;
  bool has_strtab = false;
  for (const Elf64_Dyn& dyn : entries) {
    if (dyn.d_tag == DT_STRTAB) {
      strtab_vaddr = dyn.d_un.d_ptr;
      has_strtab = true;
    } else if (dyn.d_tag == DT_STRSZ) {
      strsz = dyn.d_un.d_val;
    }
  }
  if (!has_strtab) return absl::OkStatus();
  ASSIGN_OR_RETURN(uint64_t strtab, VirtualToOffset(strtab_vaddr));
  if (strsz == 0) strsz = bytes_.size() - strtab;
  for (const Elf64_Dyn& dyn : entries) {
    if (dyn.d_tag != DT_NEEDED && dyn.d_tag != DT_SONAME &&
        dyn.d_tag != DT_RPATH && dyn.d_tag != DT_RUNPATH) {
      continue;
    }
    std::optional<std::string> s =
        StringAt(bytes_, strtab, strsz, dyn.d_un.d_val);
    if (!s.has_value()) return Corrupt("dynamic string out of DT_STRTAB");
    switch (dyn.d_tag) {
      case DT_NEEDED:
        dynamic_.needed.push_back(*s);
        break;
      case DT_SONAME:
        dynamic_.soname = *s;
        break;
      case DT_RPATH:
        dynamic_.rpath = *s;
        break;
      case DT_RUNPATH:
        dynamic_.runpath = *s;
        break;
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> ElfFile::Section(
    absl::string_view section_name) const {
  Elf64_Ehdr eh;
  ReadAt(bytes_, 0, &eh);
  if (eh.e_shoff == 0) {
    return absl::NotFoundError(
        absl::StrCat("\"", name_, "\" has no section headers"));
  }
  if (eh.e_shentsize != sizeof(Elf64_Shdr)) {
    return Corrupt("unexpected section header size");
  }
  Elf64_Shdr first;
  if (!ReadAt(bytes_, eh.e_shoff, &first)) {
    return Corrupt("section headers run past the end of the file");
  }
  // Large counts live in the first header (ELF gABI "extended numbering").
  uint64_t count = eh.e_shnum != 0 ? eh.e_shnum : first.sh_size;
  uint64_t names_index =
      eh.e_shstrndx != SHN_XINDEX ? eh.e_shstrndx : first.sh_link;
  Elf64_Shdr names;
  if (names_index >= count ||
      !ReadAt(bytes_, eh.e_shoff + names_index * sizeof(Elf64_Shdr), &names)) {
    return Corrupt("bad section name table index");
  }
  for (uint64_t i = 0; i < count; ++i) {
    Elf64_Shdr sh;
    if (!ReadAt(bytes_, eh.e_shoff + i * sizeof(Elf64_Shdr), &sh)) {
      return Corrupt("section headers run past the end of the file");
    }
    std::optional<std::string> name =
        StringAt(bytes_, names.sh_offset, names.sh_size, sh.sh_name);
    if (!name.has_value() || *name != section_name) continue;
    if (sh.sh_type == SHT_NOBITS) return std::string();
    if (sh.sh_offset > bytes_.size() ||
        bytes_.size() - sh.sh_offset < sh.sh_size) {
      return Corrupt(absl::StrCat("section ", section_name,
                                  " runs past the end of the file"));
    }
    return bytes_.substr(sh.sh_offset, sh.sh_size);
  }
  return absl::NotFoundError(
      absl::StrCat("\"", name_, "\" has no ", section_name, " section"));
}

}  // namespace perfcell::elf
