// Stores the `file` field of a multipart/form-data upload as a new entry,
// streaming it from the request body into chunk INSERTs through one
// chunk-sized buffer (or, with spill_multipart, through a temporary file
// first when it is over 1 MiB, as Go's multipart reader does for PicoShare).
//
//   ASSIGN_OR_RETURN(UploadResult r,
//                    StoreUpload(&body, content_type, expiration, &store,
//                    opts));
//   r.id;  // "aB3dE5gH7j"
#ifndef PERFCELL_EXAMPLES_CHUNKSTORE_UPLOAD_H_
#define PERFCELL_EXAMPLES_CHUNKSTORE_UPLOAD_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "examples/chunkstore/byte_source.h"
#include "examples/chunkstore/store.h"

namespace chunkstore {

struct UploadOptions {
  int64_t chunk_size = 327680;
  // As Go's multipart reader does for PicoShare: keep a file part of up to
  // `spill_threshold` bytes in memory; a larger one is copied whole to
  // `temp_dir`/multipart-XXXXXX first, then inserted from there, and the
  // copy deleted.
  bool spill_multipart = false;
  int64_t spill_threshold = 1 << 20;
  std::string temp_dir = "/tmp";
};

struct UploadResult {
  std::string id;
  int64_t size = 0;
};

// Longest `note` field accepted.
inline constexpr size_t kMaxNoteSize = 16 * 1024;

// Returns a fresh random entry id: 10 characters from an alphabet without
// look-alikes (no 0/O, 1/l/I).
std::string NewEntryId();

// Reads the form in `body` (its Content-Type is `content_type`) and stores
// its `file` field, with the optional `note` field, as a new entry that
// expires at `expiration`. On any error no part of the entry remains.
// Errors: InvalidArgument for a malformed form or a missing `file` field,
// DataLoss when the client went away, ResourceExhausted when the disk is
// full, other codes from SQLite or the file system.
absl::StatusOr<UploadResult> StoreUpload(ByteSource* body,
                                         absl::string_view content_type,
                                         absl::Time expiration, Store* store,
                                         const UploadOptions& options);

}  // namespace chunkstore

#endif  // PERFCELL_EXAMPLES_CHUNKSTORE_UPLOAD_H_
