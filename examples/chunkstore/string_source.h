// Test helper: a ByteSource over a string, handing out at most `step` bytes
// per Read() so that parsers see their input split at awkward places.
#ifndef PERFCELL_EXAMPLES_CHUNKSTORE_STRING_SOURCE_H_
#define PERFCELL_EXAMPLES_CHUNKSTORE_STRING_SOURCE_H_

#include <algorithm>
#include <cstring>
#include <string>

#include "examples/chunkstore/byte_source.h"

namespace chunkstore {

class StringSource : public ByteSource {
 public:
  explicit StringSource(std::string data, size_t step = 1 << 20)
      : data_(std::move(data)), step_(step) {}
  absl::StatusOr<size_t> Read(char* buf, size_t n) override {
    size_t take = std::min({n, step_, data_.size() - pos_});
    std::memcpy(buf, data_.data() + pos_, take);
    pos_ += take;
    return take;
  }
  size_t consumed() const { return pos_; }

 private:
  std::string data_;
  size_t step_;
  size_t pos_ = 0;
};

}  // namespace chunkstore

#endif  // PERFCELL_EXAMPLES_CHUNKSTORE_STRING_SOURCE_H_
