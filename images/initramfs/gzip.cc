#include "images/initramfs/gzip.h"

#include <zlib.h>

#include <cstring>

#include "absl/strings/str_cat.h"

namespace perfcell::initramfs {

absl::StatusOr<std::string> GzipDeterministic(absl::string_view data) {
  z_stream zs;
  std::memset(&zs, 0, sizeof(zs));
  // windowBits 15 + 16 selects the gzip wrapper.
  if (deflateInit2(&zs, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 9,
                   Z_DEFAULT_STRATEGY) != Z_OK) {
    return absl::InternalError("zlib: deflateInit2 failed");
  }
  gz_header header;
  std::memset(&header, 0, sizeof(header));
  header.os = 3;  // Unix, whatever the build host.
  deflateSetHeader(&zs, &header);

  std::string out;
  out.resize(deflateBound(&zs, data.size()) + 64);
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  int rc = deflate(&zs, Z_FINISH);
  size_t written = zs.total_out;
  deflateEnd(&zs);
  if (rc != Z_STREAM_END) {
    return absl::InternalError(absl::StrCat("zlib: deflate returned ", rc));
  }
  out.resize(written);
  return out;
}

}  // namespace perfcell::initramfs
