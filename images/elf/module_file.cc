#include "images/elf/module_file.h"

#include <lzma.h>
#include <zlib.h>
#include <zstd.h>

#include <cstdint>
#include <memory>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "tools/cc/atomic_file.h"
#include "tools/cc/status_macros.h"

namespace perfcell::elf {
namespace {

// A kernel module is a few MiB at most; a bigger output is a corrupt file
// or a decompression bomb.
constexpr size_t kMaxModuleBytes = size_t{1} << 30;
constexpr size_t kStep = 256 * 1024;

constexpr absl::string_view kXz = ".ko.xz";
constexpr absl::string_view kZst = ".ko.zst";
constexpr absl::string_view kGz = ".ko.gz";

absl::Status Corrupt(const std::string& path, absl::string_view format,
                     absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat(
      "module \"", path, "\" is not a valid ", format, " file: ", why));
}

absl::StatusOr<std::string> Unxz(const std::string& path,
                                 absl::string_view in) {
  lzma_stream s = LZMA_STREAM_INIT;
  if (lzma_stream_decoder(&s, UINT64_MAX, LZMA_CONCATENATED) != LZMA_OK) {
    return absl::ResourceExhaustedError("liblzma: cannot start a decoder");
  }
  std::unique_ptr<lzma_stream, void (*)(lzma_stream*)> end(&s, lzma_end);
  std::string out;
  s.next_in = reinterpret_cast<const uint8_t*>(in.data());
  s.avail_in = in.size();
  for (;;) {
    const size_t used = out.size();
    out.resize(used + kStep);
    s.next_out = reinterpret_cast<uint8_t*>(&out[used]);
    s.avail_out = kStep;
    const lzma_ret rc = lzma_code(&s, LZMA_FINISH);
    out.resize(used + kStep - s.avail_out);
    if (rc == LZMA_STREAM_END) return out;
    if (rc != LZMA_OK) {
      return Corrupt(path, "xz",
                     rc == LZMA_BUF_ERROR ? "truncated"
                                          : absl::StrCat("liblzma error ", rc));
    }
    if (out.size() > kMaxModuleBytes) {
      return Corrupt(path, "xz", "more than 1 GiB uncompressed");
    }
  }
}

absl::StatusOr<std::string> Unzstd(const std::string& path,
                                   absl::string_view in) {
  std::unique_ptr<ZSTD_DStream, size_t (*)(ZSTD_DStream*)> d(
      ZSTD_createDStream(), ZSTD_freeDStream);
  if (d == nullptr) {
    return absl::ResourceExhaustedError("libzstd: cannot start a decoder");
  }
  ZSTD_inBuffer input{in.data(), in.size(), 0};
  std::string out;
  size_t pending = 1;  // 0 once a frame is complete
  while (input.pos < input.size || pending != 0) {
    const size_t used = out.size();
    out.resize(used + kStep);
    ZSTD_outBuffer output{&out[used], kStep, 0};
    pending = ZSTD_decompressStream(d.get(), &output, &input);
    out.resize(used + output.pos);
    if (ZSTD_isError(pending)) {
      return Corrupt(path, "zstd", ZSTD_getErrorName(pending));
    }
    if (out.size() > kMaxModuleBytes) {
      return Corrupt(path, "zstd", "more than 1 GiB uncompressed");
    }
    // All input consumed, frame unfinished, and no progress: truncated.
    if (input.pos == input.size && pending != 0 && output.pos < kStep) {
      return Corrupt(path, "zstd", "truncated");
    }
  }
  return out;
}

absl::StatusOr<std::string> Gunzip(const std::string& path,
                                   absl::string_view in) {
  z_stream s{};
  // 16 + MAX_WBITS: a gzip header and trailer, not a raw zlib stream.
  if (inflateInit2(&s, 16 + MAX_WBITS) != Z_OK) {
    return absl::ResourceExhaustedError("zlib: cannot start a decoder");
  }
  std::unique_ptr<z_stream, int (*)(z_stream*)> end(&s, inflateEnd);
  s.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  s.avail_in = static_cast<uInt>(in.size());
  std::string out;
  for (;;) {
    const size_t used = out.size();
    out.resize(used + kStep);
    s.next_out = reinterpret_cast<Bytef*>(&out[used]);
    s.avail_out = kStep;
    const int rc = inflate(&s, Z_NO_FLUSH);
    out.resize(used + kStep - s.avail_out);
    if (rc == Z_STREAM_END) return out;
    if (rc == Z_BUF_ERROR ||
        (rc == Z_OK && s.avail_in == 0 && s.avail_out != 0)) {
      return Corrupt(path, "gzip", "truncated");
    }
    if (rc != Z_OK) {
      return Corrupt(path, "gzip", s.msg != nullptr ? s.msg : "zlib error");
    }
    if (out.size() > kMaxModuleBytes) {
      return Corrupt(path, "gzip", "more than 1 GiB uncompressed");
    }
  }
}

}  // namespace

bool IsCompressedModule(absl::string_view path) {
  return absl::EndsWith(path, kXz) || absl::EndsWith(path, kZst) ||
         absl::EndsWith(path, kGz);
}

std::string UncompressedModulePath(absl::string_view path) {
  for (absl::string_view suffix : {kXz, kZst, kGz}) {
    if (absl::ConsumeSuffix(&path, suffix)) {
      return absl::StrCat(path, ".ko");
    }
  }
  return std::string(path);
}

absl::StatusOr<std::string> ReadModuleFile(const std::string& path) {
  ASSIGN_OR_RETURN(std::string bytes, ReadFile(path));
  if (absl::EndsWith(path, kXz)) return Unxz(path, bytes);
  if (absl::EndsWith(path, kZst)) return Unzstd(path, bytes);
  if (absl::EndsWith(path, kGz)) return Gunzip(path, bytes);
  return bytes;
}

}  // namespace perfcell::elf
