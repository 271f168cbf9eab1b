#include "analysis/zip_reader.h"

#include <sys/stat.h>
#include <zip.h>

#include <memory>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace perfcell::analysis {
namespace {

std::string ZipErrorText(int code) {
  zip_error_t error;
  zip_error_init_with_code(&error, code);
  std::string text = zip_error_strerror(&error);
  zip_error_fini(&error);
  return text;
}

struct ArchiveCloser {
  void operator()(zip_t* archive) const { zip_discard(archive); }
};
using Archive = std::unique_ptr<zip_t, ArchiveCloser>;

struct FileCloser {
  void operator()(zip_file_t* file) const { zip_fclose(file); }
};
using EntryFile = std::unique_ptr<zip_file_t, FileCloser>;

// "256 MiB" for the caps the loader uses; exact bytes otherwise.
std::string FormatCap(uint64_t bytes) {
  if (bytes % (1 << 20) == 0) return absl::StrCat(bytes >> 20, " MiB");
  return absl::StrCat(bytes, " bytes");
}

absl::Status TooLarge(const std::string& path, const char* name,
                      uint64_t max_entry_bytes, absl::string_view detail) {
  return absl::InvalidArgumentError(absl::StrCat(
      name, " in ", path, " expands past ", FormatCap(max_entry_bytes), detail,
      "; not a perfcell result"));
}

absl::Status TogetherTooLarge(const std::string& path, uint64_t max_total_bytes,
                              absl::string_view detail) {
  return absl::InvalidArgumentError(
      absl::StrCat("the entries read from ", path, " expand past ",
                   FormatCap(max_total_bytes), " together", detail,
                   "; not a perfcell result"));
}

}  // namespace

absl::StatusOr<std::map<std::string, std::string>> ReadZipFiles(
    const std::string& path,
    const std::function<bool(absl::string_view)>& wanted,
    uint64_t max_entry_bytes, uint64_t max_total_bytes) {
  // Only regular files: opening a FIFO named outputs.zip would block.
  struct stat archive_stat;
  if (stat(path.c_str(), &archive_stat) != 0) {
    return absl::NotFoundError(absl::StrCat(path, ": cannot stat"));
  }
  if (!S_ISREG(archive_stat.st_mode)) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": not a regular file"));
  }
  const uint64_t archive_bytes = archive_stat.st_size;
  int code = 0;
  Archive archive(zip_open(path.c_str(), ZIP_RDONLY | ZIP_CHECKCONS, &code));
  if (archive == nullptr) {
    return absl::DataLossError(absl::StrCat(
        path, ": not a readable zip archive (truncated or corrupt?): ",
        ZipErrorText(code)));
  }
  // The wanted entries and what their headers claim, checked before any is
  // inflated: alone against the entry cap, together against the total.
  std::vector<zip_int64_t> chosen;
  uint64_t claimed_total = 0;
  const zip_int64_t count = zip_get_num_entries(archive.get(), 0);
  for (zip_int64_t i = 0; i < count; ++i) {
    zip_stat_t stat;
    if (zip_stat_index(archive.get(), i, 0, &stat) != 0) {
      return absl::DataLossError(absl::StrCat(
          path, ": cannot read entry ", i, ": ", zip_strerror(archive.get())));
    }
    if (stat.name == nullptr || !wanted(stat.name)) continue;
    // Trust no size the headers claim: check it before reserving memory.
    if ((stat.valid & ZIP_STAT_SIZE) && stat.size > max_entry_bytes) {
      return TooLarge(
          path, stat.name, max_entry_bytes,
          absl::StrCat(" (its header claims ", stat.size, " bytes)"));
    }
    if ((stat.valid & ZIP_STAT_SIZE) && (stat.valid & ZIP_STAT_COMP_METHOD) &&
        stat.comp_method == ZIP_CM_STORE && stat.size > archive_bytes) {
      return absl::DataLossError(absl::StrCat(
          path, ": entry ", stat.name, " is stored uncompressed but claims ",
          stat.size, " bytes in a ", archive_bytes,
          "-byte archive (truncated or corrupt?)"));
    }
    // Each claim is at most max_entry_bytes and the sum stops at the first
    // crossing, so it cannot overflow.
    if (stat.valid & ZIP_STAT_SIZE) claimed_total += stat.size;
    if (claimed_total > max_total_bytes) {
      return TogetherTooLarge(path, max_total_bytes,
                              absl::StrCat(" (their headers claim ",
                                           claimed_total, " bytes or more)"));
    }
    chosen.push_back(i);
  }
  std::map<std::string, std::string> files;
  uint64_t total = 0;
  for (const zip_int64_t i : chosen) {
    zip_stat_t stat;
    if (zip_stat_index(archive.get(), i, 0, &stat) != 0) {
      return absl::DataLossError(absl::StrCat(
          path, ": cannot read entry ", i, ": ", zip_strerror(archive.get())));
    }
    EntryFile file(zip_fopen_index(archive.get(), i, 0));
    if (file == nullptr) {
      return absl::DataLossError(absl::StrCat(path, ": cannot open ", stat.name,
                                              ": ",
                                              zip_strerror(archive.get())));
    }
    // Inflate in chunks up to the cap, whatever the header said.
    std::string content;
    char buffer[1 << 16];
    for (;;) {
      const zip_int64_t got = zip_fread(file.get(), buffer, sizeof(buffer));
      if (got < 0) {
        return absl::DataLossError(
            absl::StrCat(path, ": entry ", stat.name,
                         " is corrupt: ", zip_file_strerror(file.get())));
      }
      if (got == 0) break;
      if (content.size() + got > max_entry_bytes) {
        return TooLarge(path, stat.name, max_entry_bytes, "");
      }
      if (total + got > max_total_bytes) {
        return TogetherTooLarge(path, max_total_bytes, "");
      }
      total += got;
      content.append(buffer, got);
    }
    if ((stat.valid & ZIP_STAT_SIZE) && content.size() != stat.size) {
      return absl::DataLossError(absl::StrCat(
          path, ": entry ", stat.name, " is corrupt: ", content.size(),
          " bytes instead of the ", stat.size, " its header claims"));
    }
    files[stat.name] = std::move(content);
  }
  return files;
}

absl::Status WriteZipFiles(const std::string& path,
                           const std::map<std::string, std::string>& files) {
  int code = 0;
  zip_t* archive = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &code);
  if (archive == nullptr) {
    return absl::InternalError(
        absl::StrCat(path, ": cannot create zip: ", ZipErrorText(code)));
  }
  for (const auto& [name, content] : files) {
    // libzip reads the buffer when the archive is closed: keep `files` alive.
    zip_source_t* source =
        zip_source_buffer(archive, content.data(), content.size(), 0);
    if (source == nullptr ||
        zip_file_add(archive, name.c_str(), source, ZIP_FL_OVERWRITE) < 0) {
      if (source != nullptr) zip_source_free(source);
      const std::string error = zip_strerror(archive);
      zip_discard(archive);
      return absl::InternalError(
          absl::StrCat(path, ": cannot add ", name, ": ", error));
    }
  }
  if (zip_close(archive) != 0) {
    const std::string error = zip_strerror(archive);
    zip_discard(archive);
    return absl::InternalError(
        absl::StrCat(path, ": cannot write zip: ", error));
  }
  return absl::OkStatus();
}

}  // namespace perfcell::analysis
