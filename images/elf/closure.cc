#include "images/elf/closure.h"

#include <climits>
#include <cstdlib>
#include <deque>
#include <optional>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "images/elf/elf_file.h"
#include "tools/cc/status_macros.h"

namespace perfcell::elf {
namespace {

std::string DirName(const std::string& path) {
  std::string::size_type slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

std::string BaseName(const std::string& path) {
  std::string::size_type slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

absl::StatusOr<std::string> RealPath(const std::string& path) {
  char buf[PATH_MAX];
  if (realpath(path.c_str(), buf) == nullptr) {
    return absl::NotFoundError(absl::StrCat("cannot resolve \"", path, "\""));
  }
  return std::string(buf);
}

std::string Absolute(const std::string& path) {
  if (!path.empty() && path[0] == '/') return path;
  char cwd[PATH_MAX];
  if (getcwd(cwd, sizeof(cwd)) == nullptr) return path;
  return absl::StrCat(cwd, "/", path);
}

struct Object {
  std::string path;
  std::string origin;  // what $ORIGIN means for this object
  ElfFile elf;
};

class Resolver {
 public:
  Resolver(const ClosureOptions& options, const Object& executable)
      : options_(options), executable_(executable) {}

  // The directories searched for a name `needer` needs, in order.
  std::vector<std::string> SearchDirs(const Object& needer) const {
    std::vector<std::string> dirs;
    auto add = [&](const std::optional<std::string>& list,
                   const std::string& origin) {
      if (!list.has_value()) return;
      for (absl::string_view d :
           absl::StrSplit(*list, ':', absl::SkipEmpty())) {
        dirs.push_back(ExpandDynamicTokens(std::string(d), origin));
      }
    };
    const DynamicInfo& dyn = needer.elf.dynamic();
    if (!dyn.runpath.has_value()) {
      add(dyn.rpath, needer.origin);
      if (&needer != &executable_ &&
          !executable_.elf.dynamic().runpath.has_value()) {
        add(executable_.elf.dynamic().rpath, executable_.origin);
      }
    }
    dirs.insert(dirs.end(), options_.extra_dirs.begin(),
                options_.extra_dirs.end());
    add(dyn.runpath, needer.origin);
    dirs.insert(dirs.end(), options_.default_dirs.begin(),
                options_.default_dirs.end());
    return dirs;
  }

  // Returns the object for `name` as `needer` would load it, or NotFound.
  absl::StatusOr<Object> Find(const std::string& name,
                              const Object& needer) const {
    if (name.find('/') != std::string::npos) {
      std::string path = ExpandDynamicTokens(name, needer.origin);
      std::optional<Object> object = Candidate(path);
      if (object.has_value()) return *std::move(object);
      return absl::NotFoundError(absl::StrCat("library ", name, " (needed by ",
                                              needer.path, ") not found"));
    }
    std::vector<std::string> dirs = SearchDirs(needer);
    for (const std::string& dir : dirs) {
      std::optional<Object> object = Candidate(absl::StrCat(dir, "/", name));
      if (object.has_value()) return *std::move(object);
    }
    return absl::NotFoundError(
        absl::StrCat("library ", name, " (needed by ", needer.path,
                     ") not found; searched: ", absl::StrJoin(dirs, ", ")));
  }

 private:
  // An ELF file at `path` for the executable's machine, or nothing.
  std::optional<Object> Candidate(const std::string& path) const {
    absl::StatusOr<ElfFile> elf = ElfFile::Read(path);
    if (!elf.ok() || elf->machine() != executable_.elf.machine()) {
      return std::nullopt;
    }
    std::string absolute = Absolute(path);
    return Object{absolute, DirName(absolute), *std::move(elf)};
  }

  const ClosureOptions& options_;
  const Object& executable_;
};

}  // namespace

std::string ExpandDynamicTokens(const std::string& dir,
                                const std::string& origin) {
  return absl::StrReplaceAll(dir, {{"${ORIGIN}", origin},
                                   {"$ORIGIN", origin},
                                   {"${LIB}", "lib/x86_64-linux-gnu"},
                                   {"$LIB", "lib/x86_64-linux-gnu"},
                                   {"${PLATFORM}", "x86_64"},
                                   {"$PLATFORM", "x86_64"}});
}

absl::StatusOr<Closure> ResolveClosure(const std::string& binary,
                                       const ClosureOptions& options) {
  ASSIGN_OR_RETURN(ElfFile exe_elf, ElfFile::Read(binary));
  ASSIGN_OR_RETURN(std::string exe_real, RealPath(binary));
  // ld.so takes the executable's $ORIGIN from /proc/self/exe: resolved.
  Object executable{binary, DirName(exe_real), std::move(exe_elf)};
  Resolver resolver(options, executable);

  Closure closure;
  std::set<std::string> loaded_names;  // sonames and DT_NEEDED names
  std::set<std::string> loaded_files;  // real paths
  const std::string& interp = executable.elf.interpreter();
  if (!interp.empty()) {
    absl::StatusOr<std::string> real = RealPath(interp);
    if (!real.ok()) {
      return absl::NotFoundError(
          absl::StrCat("interpreter ", interp, " (of ", binary, ") not found"));
    }
    closure.interpreter = Library{interp, interp, *real, binary};
    loaded_names.insert(BaseName(interp));
    loaded_files.insert(*real);
    absl::StatusOr<ElfFile> interp_elf = ElfFile::Read(*real);
    if (interp_elf.ok() && !interp_elf->dynamic().soname.empty()) {
      loaded_names.insert(interp_elf->dynamic().soname);
    }
  }

  std::deque<Object> objects;  // stable addresses for Resolver
  std::deque<const Object*> queue = {&executable};
  while (!queue.empty()) {
    const Object* needer = queue.front();
    queue.pop_front();
    for (const std::string& name : needer->elf.dynamic().needed) {
      if (loaded_names.count(name)) continue;
      ASSIGN_OR_RETURN(Object object, resolver.Find(name, *needer));
      ASSIGN_OR_RETURN(std::string real, RealPath(object.path));
      const std::string& soname = object.elf.dynamic().soname;
      const bool already_loaded =
          (!soname.empty() && loaded_names.count(soname)) ||
          loaded_files.count(real);
      loaded_names.insert(name);
      if (already_loaded) continue;  // the same library under another name
      if (!soname.empty()) loaded_names.insert(soname);
      loaded_files.insert(real);
      closure.libraries.push_back(
          Library{name, object.path, real, needer->path});
      objects.push_back(std::move(object));
      queue.push_back(&objects.back());
    }
  }
  return closure;
}

}  // namespace perfcell::elf
