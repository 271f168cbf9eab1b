#include "images/elf/testing/fake_elf.h"

#include <cstring>

namespace perfcell::elf::testing {
namespace {

constexpr uint64_t kBase = 0x400000;

uint64_t AppendString(std::string& out, const std::string& s) {
  uint64_t at = out.size();
  out.append(s);
  out.push_back('\0');
  return at;
}

void Align8(std::string& out) {
  while (out.size() % 8 != 0) out.push_back('\0');
}

template <typename T>
void Put(std::string& out, uint64_t at, const T& value) {
  std::memcpy(out.data() + at, &value, sizeof(T));
}

}  // namespace

std::string FakeModinfo(const std::vector<std::string>& fields) {
  std::string out;
  for (const std::string& f : fields) {
    out.append(f);
    out.push_back('\0');
  }
  return out;
}

std::string BuildFakeElf(const FakeElf& spec) {
  const bool dynamic = !spec.needed.empty() || !spec.soname.empty() ||
                       spec.rpath.has_value() || spec.runpath.has_value();
  const bool has_interp = !spec.interpreter.empty();
  const int phnum = (dynamic || has_interp)
                        ? 1 + (has_interp ? 1 : 0) + (dynamic ? 1 : 0)
                        : 0;
  std::string out(sizeof(Elf64_Ehdr) + phnum * sizeof(Elf64_Phdr), '\0');

  std::vector<Elf64_Phdr> phdrs;
  if (has_interp) {
    uint64_t at = AppendString(out, spec.interpreter);
    Elf64_Phdr ph = {};
    ph.p_type = PT_INTERP;
    ph.p_offset = at;
    ph.p_vaddr = kBase + at;
    ph.p_filesz = ph.p_memsz = spec.interpreter.size() + 1;
    phdrs.push_back(ph);
  }
  if (dynamic) {
    std::string strtab(1, '\0');
    std::vector<Elf64_Dyn> dyns;
    auto add = [&](int64_t tag, const std::string& s) {
      Elf64_Dyn d = {};
      d.d_tag = tag;
      d.d_un.d_val = AppendString(strtab, s);
      dyns.push_back(d);
    };
    for (const std::string& n : spec.needed) add(DT_NEEDED, n);
    if (!spec.soname.empty()) add(DT_SONAME, spec.soname);
    if (spec.rpath.has_value()) add(DT_RPATH, *spec.rpath);
    if (spec.runpath.has_value()) add(DT_RUNPATH, *spec.runpath);
    uint64_t strtab_at = out.size();
    out.append(strtab);
    Align8(out);
    Elf64_Dyn d = {};
    d.d_tag = DT_STRTAB;
    d.d_un.d_ptr = kBase + strtab_at;
    dyns.push_back(d);
    d.d_tag = DT_STRSZ;
    d.d_un.d_val = strtab.size();
    dyns.push_back(d);
    d.d_tag = DT_NULL;
    d.d_un.d_val = 0;
    dyns.push_back(d);
    uint64_t dyn_at = out.size();
    out.append(reinterpret_cast<const char*>(dyns.data()),
               dyns.size() * sizeof(Elf64_Dyn));
    Elf64_Phdr ph = {};
    ph.p_type = PT_DYNAMIC;
    ph.p_offset = dyn_at;
    ph.p_vaddr = kBase + dyn_at;
    ph.p_filesz = ph.p_memsz = dyns.size() * sizeof(Elf64_Dyn);
    phdrs.push_back(ph);
  }

  uint64_t shoff = 0;
  uint16_t shnum = 0;
  if (!spec.sections.empty()) {
    std::vector<Elf64_Shdr> shdrs(1);  // [0] is the null section
    std::string names(1, '\0');
    for (const auto& [name, bytes] : spec.sections) {
      Elf64_Shdr sh = {};
      sh.sh_name = AppendString(names, name);
      sh.sh_type = SHT_PROGBITS;
      sh.sh_offset = out.size();
      sh.sh_size = bytes.size();
      sh.sh_addralign = 1;
      out.append(bytes);
      shdrs.push_back(sh);
    }
    Elf64_Shdr strsh = {};
    strsh.sh_name = AppendString(names, ".shstrtab");
    strsh.sh_type = SHT_STRTAB;
    strsh.sh_offset = out.size();
    strsh.sh_size = names.size();
    out.append(names);
    shdrs.push_back(strsh);
    Align8(out);
    shoff = out.size();
    out.append(reinterpret_cast<const char*>(shdrs.data()),
               shdrs.size() * sizeof(Elf64_Shdr));
    shnum = static_cast<uint16_t>(shdrs.size());
  }

  if (phnum > 0) {
    Elf64_Phdr load = {};
    load.p_type = PT_LOAD;
    load.p_offset = 0;
    load.p_vaddr = kBase;
    load.p_filesz = load.p_memsz = out.size();
    phdrs.insert(phdrs.begin(), load);
    for (size_t i = 0; i < phdrs.size(); ++i) {
      Put(out, sizeof(Elf64_Ehdr) + i * sizeof(Elf64_Phdr), phdrs[i]);
    }
  }

  Elf64_Ehdr eh = {};
  std::memcpy(eh.e_ident, ELFMAG, SELFMAG);
  eh.e_ident[EI_CLASS] = ELFCLASS64;
  eh.e_ident[EI_DATA] = ELFDATA2LSB;
  eh.e_ident[EI_VERSION] = EV_CURRENT;
  eh.e_type = spec.type;
  eh.e_machine = spec.machine;
  eh.e_version = EV_CURRENT;
  eh.e_phoff = phnum > 0 ? sizeof(Elf64_Ehdr) : 0;
  eh.e_shoff = shoff;
  eh.e_ehsize = sizeof(Elf64_Ehdr);
  eh.e_phentsize = sizeof(Elf64_Phdr);
  eh.e_phnum = static_cast<uint16_t>(phnum);
  eh.e_shentsize = sizeof(Elf64_Shdr);
  eh.e_shnum = shnum;
  eh.e_shstrndx = shnum > 0 ? shnum - 1 : 0;
  Put(out, 0, eh);
  return out;
}

}  // namespace perfcell::elf::testing
