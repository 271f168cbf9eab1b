#include "analysis/zip_reader.h"

#include <zip.h>

#include <memory>

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

}  // namespace

absl::StatusOr<std::map<std::string, std::string>> ReadZipFiles(
    const std::string& path,
    const std::function<bool(absl::string_view)>& wanted) {
  int code = 0;
  Archive archive(zip_open(path.c_str(), ZIP_RDONLY | ZIP_CHECKCONS, &code));
  if (archive == nullptr) {
    return absl::DataLossError(absl::StrCat(
        path, ": not a readable zip archive (truncated or corrupt?): ",
        ZipErrorText(code)));
  }
  std::map<std::string, std::string> files;
  const zip_int64_t count = zip_get_num_entries(archive.get(), 0);
  for (zip_int64_t i = 0; i < count; ++i) {
    zip_stat_t stat;
    if (zip_stat_index(archive.get(), i, 0, &stat) != 0) {
      return absl::DataLossError(absl::StrCat(
          path, ": cannot read entry ", i, ": ", zip_strerror(archive.get())));
    }
    if (stat.name == nullptr || !wanted(stat.name)) continue;
    zip_file_t* file = zip_fopen_index(archive.get(), i, 0);
    if (file == nullptr) {
      return absl::DataLossError(absl::StrCat(path, ": cannot open ", stat.name,
                                              ": ",
                                              zip_strerror(archive.get())));
    }
    std::string content(stat.size, '\0');
    const zip_int64_t got = zip_fread(file, content.data(), stat.size);
    const std::string file_error = zip_file_strerror(file);
    zip_fclose(file);
    if (got < 0 || static_cast<zip_uint64_t>(got) != stat.size) {
      return absl::DataLossError(absl::StrCat(path, ": entry ", stat.name,
                                              " is corrupt: ", file_error));
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
