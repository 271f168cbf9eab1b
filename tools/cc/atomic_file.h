// Writes a file so that readers only ever see the old or the new content.
//
// The content goes to a temporary file in the same directory, is flushed to
// disk, and is renamed over the destination. A crash or kill at any moment
// leaves either the previous file or the complete new one, never a torn one.
//
//   absl::Status s = WriteFileAtomically("/out/result.json", json);
#ifndef PERFCELL_TOOLS_CC_ATOMIC_FILE_H_
#define PERFCELL_TOOLS_CC_ATOMIC_FILE_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace perfcell {

// Replaces `path` with `content` atomically (temp file, fsync, rename).
// Returns an error naming the path when any step fails; the temporary file is
// removed then.
absl::Status WriteFileAtomically(const std::string& path,
                                 absl::string_view content);

// Reads a whole regular file. NotFound when it does not exist;
// InvalidArgument naming the path for a directory, FIFO, socket or device
// (never blocks on a FIFO); an error naming the path when a read fails (never
// a silently truncated content).
absl::StatusOr<std::string> ReadFile(const std::string& path);

}  // namespace perfcell

#endif  // PERFCELL_TOOLS_CC_ATOMIC_FILE_H_
