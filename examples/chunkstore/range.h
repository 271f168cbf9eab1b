// The single-range form of the Range request header (RFC 9110, 14.2).
//
//   ParseRange("bytes=0-99", 1000);   // {0, 99}
//   ParseRange("bytes=-10", 1000);    // {990, 999}
//   ParseRange("bytes=5000-", 1000);  // OutOfRange: answer 416
#ifndef PERFCELL_EXAMPLES_CHUNKSTORE_RANGE_H_
#define PERFCELL_EXAMPLES_CHUNKSTORE_RANGE_H_

#include <cstdint>
#include <optional>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace chunkstore {

// Inclusive byte positions, as in Content-Range.
struct ByteRange {
  int64_t first = 0;
  int64_t last = 0;
  int64_t length() const { return last - first + 1; }
};

// Returns the one range `header` asks for in a resource of `size` bytes, or
// nullopt when the whole resource should be sent (no header, another unit,
// several ranges, or a syntax this server ignores as RFC 9110 allows).
// OutOfRange when the range lies outside the resource (answer 416).
absl::StatusOr<std::optional<ByteRange>> ParseRange(
    std::optional<absl::string_view> header, int64_t size);

}  // namespace chunkstore

#endif  // PERFCELL_EXAMPLES_CHUNKSTORE_RANGE_H_
