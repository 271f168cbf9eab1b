#include "runner/workload/multipart_body.h"

#include <algorithm>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace perfcell {

MultipartBody::MultipartBody(uint64_t seed, uint64_t file_bytes,
                             absl::string_view field, bool hash)
    : file_bytes_(file_bytes), stream_(seed) {
  // Random file bytes could contain the boundary line only with probability
  // ~2^-200 per position for a boundary this long: not a practical concern.
  const std::string boundary =
      absl::StrFormat("----perfcell-%016x-%016x", seed, file_bytes);
  content_type_ = absl::StrCat("multipart/form-data; boundary=", boundary);
  head_ = absl::StrCat("--", boundary,
                       "\r\n"
                       "Content-Disposition: form-data; name=\"",
                       field, "\"; filename=\"perfcell-", seed,
                       ".bin\"\r\n"
                       "Content-Type: application/octet-stream\r\n"
                       "\r\n");
  tail_ = absl::StrCat("\r\n--", boundary, "--\r\n");
  total_size_ = head_.size() + file_bytes_ + tail_.size();
  if (hash) sha256_ = std::make_unique<Sha256>();
}

size_t MultipartBody::Read(char* out, size_t size) {
  size_t written = 0;
  auto copy_from = [&](absl::string_view part, uint64_t part_start) {
    if (written == size || position_ < part_start ||
        position_ >= part_start + part.size()) {
      return;
    }
    const size_t offset = position_ - part_start;
    const size_t n = std::min(size - written, part.size() - offset);
    std::memcpy(out + written, part.data() + offset, n);
    written += n;
    position_ += n;
  };

  copy_from(head_, 0);
  const uint64_t file_start = head_.size();
  const uint64_t file_end = file_start + file_bytes_;
  if (written < size && position_ >= file_start && position_ < file_end) {
    const size_t n = static_cast<size_t>(
        std::min<uint64_t>(size - written, file_end - position_));
    stream_.Read(out + written, n);
    if (sha256_ != nullptr) sha256_->Update(out + written, n);
    written += n;
    position_ += n;
  }
  copy_from(tail_, file_end);
  return written;
}

uint64_t MultipartBody::file_bytes_read() const {
  if (position_ <= head_.size()) return 0;
  return std::min<uint64_t>(position_ - head_.size(), file_bytes_);
}

std::string MultipartBody::FileSha256() {
  if (sha256_ == nullptr || position_ < head_.size() + file_bytes_) return "";
  if (digest_.empty()) digest_ = sha256_->HexDigest();
  return digest_;
}

}  // namespace perfcell
