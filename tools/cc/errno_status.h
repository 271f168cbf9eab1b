// One way to turn a failed system call's errno into an absl::Status: a code
// that fits the error and a message that names the operation and the object.
//
//   int fd = open(path.c_str(), O_RDONLY);
//   if (fd < 0) return ErrnoStatus(errno, "opening", path);
//   // NotFound: opening "/no/such": No such file or directory
//
//   if (pipe(fds) != 0) return ErrnoStatus(errno, "pipe");
//   // ResourceExhausted: pipe: Too many open files
#ifndef PERFCELL_TOOLS_CC_ERRNO_STATUS_H_
#define PERFCELL_TOOLS_CC_ERRNO_STATUS_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace perfcell {

// Returns the status of `what` failing on `object` with the errno value
// `err` (pass errno itself, read right after the call that failed): message
// `<what> "<object>": <strerror(err)>`, code absl::ErrnoToStatusCode(err)
// (ENOENT: NotFound, EACCES and EPERM: PermissionDenied, ENOSPC:
// ResourceExhausted, EINVAL: InvalidArgument, ...), except that EFBIG is
// ResourceExhausted too: a file grown past what its file system holds is out
// of space, like ENOSPC. `err` 0 still gives an error (Unknown).
//   ErrnoStatus(ENOENT, "while reading", "etc/hosts")
//   // NotFound: while reading "etc/hosts": No such file or directory
absl::Status ErrnoStatus(int err, absl::string_view what,
                         absl::string_view object);

// The same without an object: `<what>: <strerror(err)>`.
//   ErrnoStatus(EAGAIN, "fork")  // Unavailable: fork: Resource temporarily...
absl::Status ErrnoStatus(int err, absl::string_view what);

}  // namespace perfcell

#endif  // PERFCELL_TOOLS_CC_ERRNO_STATUS_H_
