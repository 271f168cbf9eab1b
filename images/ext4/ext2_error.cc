#include "images/ext4/ext2_error.h"

#include <et/com_err.h>

#include <cerrno>

#include "absl/strings/str_cat.h"

namespace perfcell::ext4 {
namespace {

absl::StatusCode CodeFor(errcode_t err) {
  switch (err) {
    case ENOSPC:
    case EXT2_ET_BLOCK_ALLOC_FAIL:
    case EXT2_ET_INODE_ALLOC_FAIL:
    case EXT2_ET_TOOSMALL:
    case EXT2_ET_DIR_NO_SPACE:
    case EXT2_ET_JOURNAL_TOO_SMALL:
      return absl::StatusCode::kResourceExhausted;
    case ENOENT:
    case EXT2_ET_FILE_NOT_FOUND:
      return absl::StatusCode::kNotFound;
    case EEXIST:
    case EXT2_ET_DIR_EXISTS:
      return absl::StatusCode::kAlreadyExists;
    case EINVAL:
    case EXT2_ET_INVALID_ARGUMENT:
    case EXT2_ET_BAD_MAGIC:
    case EXT2_ET_UNSUPP_FEATURE:
    case EXT2_ET_RO_UNSUPP_FEATURE:
    case EXT2_ET_SHORT_READ:
    case EXT2_ET_CORRUPT_SUPERBLOCK:
      return absl::StatusCode::kInvalidArgument;
    case EACCES:
    case EPERM:
      return absl::StatusCode::kPermissionDenied;
    default:
      return absl::StatusCode::kInternal;
  }
}

// libext2fs does not register its error table itself: without it
// error_message() reads "Unknown code ext2 19" instead of "Bad magic number in
// super-block".
void RegisterErrorTableOnce() {
  static const bool registered = [] {
    initialize_ext2_error_table();
    return true;
  }();
  (void)registered;
}

}  // namespace

std::string Ext2Message(errcode_t err) {
  RegisterErrorTableOnce();
  return error_message(err);
}

absl::Status Ext2Error(errcode_t err, absl::string_view operation,
                       absl::string_view path) {
  if (err == 0) return absl::OkStatus();
  return absl::Status(
      CodeFor(err),
      absl::StrCat("while ", operation, " \"", path, "\": ", Ext2Message(err)));
}

}  // namespace perfcell::ext4
