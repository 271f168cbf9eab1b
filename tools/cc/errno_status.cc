#include "tools/cc/errno_status.h"

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace perfcell {
namespace {

absl::StatusCode CodeOf(int err) {
  if (err == EFBIG) return absl::StatusCode::kResourceExhausted;
  absl::StatusCode code = absl::ErrnoToStatusCode(err);
  return code == absl::StatusCode::kOk ? absl::StatusCode::kUnknown : code;
}

}  // namespace

absl::Status ErrnoStatus(int err, absl::string_view what,
                         absl::string_view object) {
  return absl::Status(CodeOf(err), absl::StrCat(what, " \"", object,
                                                "\": ", std::strerror(err)));
}

absl::Status ErrnoStatus(int err, absl::string_view what) {
  return absl::Status(CodeOf(err),
                      absl::StrCat(what, ": ", std::strerror(err)));
}

}  // namespace perfcell
