// A pull-based stream of bytes: request bodies, multipart parts, spill files.
//
//   char buf[4096];
//   while (true) {
//     ASSIGN_OR_RETURN(size_t n, source.Read(buf, sizeof(buf)));
//     if (n == 0) break;  // end of stream
//     Consume(buf, n);
//   }
#ifndef PERFCELL_EXAMPLES_CHUNKSTORE_BYTE_SOURCE_H_
#define PERFCELL_EXAMPLES_CHUNKSTORE_BYTE_SOURCE_H_

#include <cstddef>

#include "absl/status/statusor.h"

namespace chunkstore {

class ByteSource {
 public:
  virtual ~ByteSource() = default;
  // Reads up to `n` bytes into `buf`. Returns how many were read, 0 only at
  // the end of the stream, or an error (the stream is then unusable).
  virtual absl::StatusOr<size_t> Read(char* buf, size_t n) = 0;
};

}  // namespace chunkstore

#endif  // PERFCELL_EXAMPLES_CHUNKSTORE_BYTE_SOURCE_H_
