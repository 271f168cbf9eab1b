// Prints a Closure for people and for image rules.
//
// kLines: one "NAME REAL_PATH" line each, the interpreter first (its NAME is
// its absolute PT_INTERP path), then the libraries by soname:
//   /lib64/ld-linux-x86-64.so.2 /usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2
//   libz.so.1 /usr/lib/x86_64-linux-gnu/libz.so.1.2.13
// kManifest: "DEST=SRC" lines (the --file form of mkinitramfs): the
// interpreter at its PT_INTERP path, each library at LIB_DIR/SONAME, so the
// guest's ld.so finds it in a default directory whatever RUNPATH said:
//   /lib64/ld-linux-x86-64.so.2=/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2
//   /lib/x86_64-linux-gnu/libz.so.1=/usr/lib/x86_64-linux-gnu/libz.so.1.2.13
#ifndef PERFCELL_IMAGES_ELF_CLOSURE_FORMAT_H_
#define PERFCELL_IMAGES_ELF_CLOSURE_FORMAT_H_

#include <string>

#include "absl/status/statusor.h"
#include "images/elf/closure.h"

namespace perfcell::elf {

enum class ClosureFormat { kLines, kManifest };

// "lines" or "manifest"; InvalidArgument otherwise.
absl::StatusOr<ClosureFormat> ParseClosureFormat(const std::string& name);

// Returns the text, one entry per line, each line ending in '\n'.
std::string FormatClosure(const Closure& closure, ClosureFormat format,
                          const std::string& lib_dir);

}  // namespace perfcell::elf

#endif  // PERFCELL_IMAGES_ELF_CLOSURE_FORMAT_H_
