#include "examples/chunkstore/range.h"

#include <algorithm>
#include <string>

#include "absl/strings/numbers.h"
#include "re2/re2.h"

namespace chunkstore {

absl::StatusOr<std::optional<ByteRange>> ParseRange(
    std::optional<absl::string_view> header, int64_t size) {
  if (!header.has_value()) return std::nullopt;
  static const LazyRE2 kSingleRange = {R"(\s*bytes\s*=\s*(\d*)-(\d*)\s*)"};
  std::string first_text, last_text;
  if (!RE2::FullMatch(re2::StringPiece(header->data(), header->size()),
                      *kSingleRange, &first_text, &last_text)) {
    return std::nullopt;
  }
  int64_t first = 0;
  int64_t last = 0;
  const bool has_first = absl::SimpleAtoi(first_text, &first);
  const bool has_last = absl::SimpleAtoi(last_text, &last);
  ByteRange range;
  if (has_first) {
    if (first >= size)
      return absl::OutOfRangeError("range starts past the end");
    if (has_last && last < first) return std::nullopt;
    range.first = first;
    range.last = has_last ? std::min(last, size - 1) : size - 1;
  } else if (has_last) {  // suffix: the last `last` bytes
    if (last == 0 || size == 0) {
      return absl::OutOfRangeError("empty suffix range");
    }
    range.first = size - std::min(last, size);
    range.last = size - 1;
  } else {
    return std::nullopt;
  }
  return range;
}

}  // namespace chunkstore
