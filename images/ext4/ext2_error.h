// Turns libext2fs error codes (errcode_t) into absl::Status, once, at the
// boundary between perfcell and libext2fs.
//
//   errcode_t err = ext2fs_link(fs, dir, name, ino, EXT2_FT_REG_FILE);
//   if (err) return Ext2Error(err, "linking", "etc/hosts");
//   // -> "while linking \"etc/hosts\": Ext2 directory block full"-ish
#ifndef PERFCELL_IMAGES_EXT4_EXT2_ERROR_H_
#define PERFCELL_IMAGES_EXT4_EXT2_ERROR_H_

#include <ext2fs/ext2fs.h>

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace perfcell::ext4 {

// Returns OK for 0; otherwise a status whose code follows the error (no space
// -> ResourceExhausted, not found -> NotFound, I/O -> DataLoss/Internal) and
// whose message reads `while <operation> "<path>": <com_err text>`.
// Returns com_err's text for `err` ("Bad magic number in super-block"), with
// the ext2 error table registered.
std::string Ext2Message(errcode_t err);

absl::Status Ext2Error(errcode_t err, absl::string_view operation,
                       absl::string_view path);

}  // namespace perfcell::ext4

#endif  // PERFCELL_IMAGES_EXT4_EXT2_ERROR_H_
