#include "examples/chunkstore/upload.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstring>
#include <memory>
#include <optional>
#include <vector>

#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "examples/chunkstore/multipart_parser.h"
#include "tools/cc/status_macros.h"

namespace chunkstore {
namespace {

constexpr absl::string_view kIdAlphabet =
    "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

absl::Status FileError(absl::string_view what, const std::string& path) {
  std::string message =
      absl::StrCat(what, " \"", path, "\": ", strerror(errno));
  if (errno == ENOSPC || errno == EDQUOT) {
    return absl::ResourceExhaustedError(message);
  }
  return absl::InternalError(message);
}

// Fills `buf` from `source` until it is full or the source ends.
absl::StatusOr<size_t> ReadFull(ByteSource* source, char* buf, size_t n) {
  size_t total = 0;
  while (total < n) {
    ASSIGN_OR_RETURN(size_t got, source->Read(buf + total, n - total));
    if (got == 0) break;
    total += got;
  }
  return total;
}

// Copies `source` into entry chunks of `chunk.size()` bytes.
absl::StatusOr<int64_t> CopyToChunks(ByteSource* source, EntryWriter* writer,
                                     std::vector<char>& chunk) {
  int64_t size = 0;
  while (true) {
    ASSIGN_OR_RETURN(size_t n, ReadFull(source, chunk.data(), chunk.size()));
    if (n == 0) break;
    RETURN_IF_ERROR(writer->AppendChunk(absl::string_view(chunk.data(), n)));
    size += n;
    if (n < chunk.size()) break;
  }
  return size;
}

// A temporary file named multipart-XXXXXX, deleted when this goes away.
class SpillFile : public ByteSource {
 public:
  ~SpillFile() override {
    if (fd_ >= 0) close(fd_);
    if (!path_.empty()) unlink(path_.c_str());
  }
  absl::Status Create(const std::string& dir) {
    std::string pattern = absl::StrCat(dir, "/multipart-XXXXXX");
    fd_ = mkstemp(pattern.data());
    if (fd_ < 0) return FileError("create", pattern);
    path_ = pattern;
    return absl::OkStatus();
  }
  absl::Status Write(const char* data, size_t n) {
    while (n > 0) {
      ssize_t w = write(fd_, data, n);
      if (w < 0) {
        if (errno == EINTR) continue;
        return FileError("write", path_);
      }
      data += w;
      n -= w;
    }
    return absl::OkStatus();
  }
  absl::Status Rewind() {
    if (lseek(fd_, 0, SEEK_SET) < 0) return FileError("seek", path_);
    return absl::OkStatus();
  }
  absl::StatusOr<size_t> Read(char* buf, size_t n) override {
    while (true) {
      ssize_t r = read(fd_, buf, n);
      if (r >= 0) return static_cast<size_t>(r);
      if (errno != EINTR) return FileError("read", path_);
    }
  }

 private:
  int fd_ = -1;
  std::string path_;
};

absl::StatusOr<std::string> ReadNote(ByteSource* part) {
  std::string note;
  char buf[4096];
  while (true) {
    ASSIGN_OR_RETURN(size_t n, part->Read(buf, sizeof(buf)));
    if (n == 0) return note;
    note.append(buf, n);
    if (note.size() > kMaxNoteSize) {
      return absl::InvalidArgumentError(
          absl::StrCat("note is longer than ", kMaxNoteSize, " bytes"));
    }
  }
}

// Drops any directory a browser put in the filename ("C:\x\a.txt" -> "a.txt").
std::string BaseName(const std::string& filename) {
  size_t slash = filename.find_last_of("/\\");
  return slash == std::string::npos ? filename : filename.substr(slash + 1);
}

}  // namespace

std::string NewEntryId() {
  static absl::Mutex mu(absl::kConstInit);
  static absl::BitGen* gen = new absl::BitGen();
  absl::MutexLock lock(&mu);
  std::string id(10, ' ');
  for (char& c : id) {
    c = kIdAlphabet[absl::Uniform<size_t>(*gen, 0, kIdAlphabet.size())];
  }
  return id;
}

absl::StatusOr<UploadResult> StoreUpload(ByteSource* body,
                                         absl::string_view content_type,
                                         absl::Time expiration, Store* store,
                                         const UploadOptions& options) {
  ASSIGN_OR_RETURN(std::string boundary, MultipartBoundary(content_type));
  MultipartReader form(body, boundary);
  UploadResult result;
  result.id = NewEntryId();
  EntryInfo info;
  info.expiration_time = expiration;
  std::vector<char> chunk(options.chunk_size);
  std::unique_ptr<EntryWriter> writer;
  std::unique_ptr<SpillFile> spill;
  bool have_file = false;

  PartHeaders part;
  while (true) {
    ASSIGN_OR_RETURN(bool more, form.NextPart(&part));
    if (!more) break;
    if (part.name == "note") {
      ASSIGN_OR_RETURN(info.note, ReadNote(&form));
      continue;
    }
    if (part.name != "file" || have_file) continue;  // skipped by NextPart
    if (!part.filename.has_value() || BaseName(*part.filename).empty()) {
      return absl::InvalidArgumentError(
          "the \"file\" field must be a file with a filename");
    }
    have_file = true;
    info.filename = BaseName(*part.filename);
    info.content_type = part.content_type.empty() ? "application/octet-stream"
                                                  : part.content_type;
    if (options.spill_multipart) {
      // Up to the threshold in memory; one byte more means a spill.
      std::string head(options.spill_threshold + 1, '\0');
      ASSIGN_OR_RETURN(size_t got, ReadFull(&form, head.data(), head.size()));
      head.resize(got);
      if (head.size() <= static_cast<size_t>(options.spill_threshold)) {
        ASSIGN_OR_RETURN(writer, store->NewEntryWriter(result.id));
        for (size_t at = 0; at < head.size(); at += chunk.size()) {
          RETURN_IF_ERROR(writer->AppendChunk(
              absl::string_view(head).substr(at, chunk.size())));
        }
        result.size = head.size();
        continue;
      }
      spill = std::make_unique<SpillFile>();
      RETURN_IF_ERROR(spill->Create(options.temp_dir));
      RETURN_IF_ERROR(spill->Write(head.data(), head.size()));
      while (true) {
        ASSIGN_OR_RETURN(size_t n, form.Read(chunk.data(), chunk.size()));
        if (n == 0) break;
        RETURN_IF_ERROR(spill->Write(chunk.data(), n));
      }
    } else {
      ASSIGN_OR_RETURN(writer, store->NewEntryWriter(result.id));
      ASSIGN_OR_RETURN(result.size, CopyToChunks(&form, writer.get(), chunk));
    }
  }
  if (!have_file) {
    return absl::InvalidArgumentError(
        "the form has no \"file\" field: send the file as -F file=@PATH");
  }
  if (spill != nullptr) {
    RETURN_IF_ERROR(spill->Rewind());
    ASSIGN_OR_RETURN(writer, store->NewEntryWriter(result.id));
    ASSIGN_OR_RETURN(result.size,
                     CopyToChunks(spill.get(), writer.get(), chunk));
    spill.reset();
  }
  info.upload_time = absl::Now();
  RETURN_IF_ERROR(writer->Commit(info));
  return result;
}

}  // namespace chunkstore
