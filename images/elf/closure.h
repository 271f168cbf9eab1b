// The shared libraries a dynamic ELF binary loads, found the way glibc's
// ld.so finds them, without running anything.
//
//   ClosureOptions options;  // default dirs: /lib/x86_64-linux-gnu, ...
//   absl::StatusOr<Closure> c = ResolveClosure("/usr/bin/curl", options);
//   c->interpreter.name;         // "/lib64/ld-linux-x86-64.so.2"
//   c->libraries[0].soname;      // "libcurl.so.4"
//   c->libraries[0].real_path;   //
//   "/usr/lib/x86_64-linux-gnu/libcurl.so.4.8.0"
//
// Search order for a DT_NEEDED name without a slash, as ld.so(8) documents:
// the needing object's DT_RPATH (only if it has no DT_RUNPATH) and then the
// executable's DT_RPATH (if the executable has no DT_RUNPATH); the extra
// directories (what LD_LIBRARY_PATH would add); the needing object's
// DT_RUNPATH; the default directories. /etc/ld.so.cache is not read.
// $ORIGIN, ${ORIGIN}, $LIB and $PLATFORM are expanded. A candidate counts
// only if it is an ELF file for the binary's machine. Each library is
// loaded once, by the name the first DT_NEEDED gave it.
#ifndef PERFCELL_IMAGES_ELF_CLOSURE_H_
#define PERFCELL_IMAGES_ELF_CLOSURE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace perfcell::elf {

struct ClosureOptions {
  // Searched after DT_RPATH and before DT_RUNPATH, like LD_LIBRARY_PATH.
  std::vector<std::string> extra_dirs;
  std::vector<std::string> default_dirs = {"/lib/x86_64-linux-gnu",
                                           "/usr/lib/x86_64-linux-gnu",
                                           "/lib64", "/lib", "/usr/lib"};
};

struct Library {
  std::string soname;     // the DT_NEEDED name that loaded it
  std::string path;       // where the search found it (may be a symlink)
  std::string real_path;  // `path` with every symlink resolved
  std::string needed_by;  // path of the first object that needed it
};

struct Closure {
  // name: the PT_INTERP path; path = name; real_path resolved. All empty
  // for a static binary.
  Library interpreter;
  // In load order (breadth first, as ld.so loads them); the interpreter is
  // not repeated here even when a library lists it in DT_NEEDED.
  std::vector<Library> libraries;
};

// Returns the closure of `binary`. NotFound names the missing library, the
// object that needs it and the directories searched.
absl::StatusOr<Closure> ResolveClosure(const std::string& binary,
                                       const ClosureOptions& options);

// Replaces $ORIGIN/${ORIGIN} with `origin`, $LIB/${LIB} with
// "lib/x86_64-linux-gnu" and $PLATFORM/${PLATFORM} with "x86_64".
//   ExpandDynamicTokens("$ORIGIN/../lib", "/opt/bin") -> "/opt/bin/../lib"
std::string ExpandDynamicTokens(const std::string& dir,
                                const std::string& origin);

}  // namespace perfcell::elf

#endif  // PERFCELL_IMAGES_ELF_CLOSURE_H_
