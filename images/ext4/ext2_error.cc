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

}  // namespace

absl::Status Ext2Error(errcode_t err, absl::string_view operation,
                       absl::string_view path) {
  if (err == 0) return absl::OkStatus();
  return absl::Status(CodeFor(err),
                      absl::StrCat("while ", operation, " \"", path,
                                   "\": ", error_message(err)));
}

}  // namespace perfcell::ext4
