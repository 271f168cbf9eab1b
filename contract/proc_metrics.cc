#include "contract/proc_metrics.h"

#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>

#include <filesystem>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "re2/re2.h"

namespace perfcell::contract {

std::optional<uint64_t> KilobyteField(absl::string_view text,
                                      absl::string_view name) {
  RE2 re(absl::StrCat(
      "(?m)^", RE2::QuoteMeta(re2::StringPiece(name.data(), name.size())),
      R"(:\s*(\d+)\s*kB)"));
  uint64_t kb = 0;
  if (!RE2::PartialMatch(re2::StringPiece(text.data(), text.size()), re, &kb)) {
    return std::nullopt;
  }
  return kb * 1024;
}

FileCount CountRegularFiles(const std::string& dir) {
  namespace fs = std::filesystem;
  FileCount count;
  std::error_code ec;
  fs::recursive_directory_iterator it(
      dir, fs::directory_options::skip_permission_denied, ec);
  for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    std::error_code stat_ec;
    // symlink_status: a link to a file is not a leftover file itself.
    if (!fs::is_regular_file(it->symlink_status(stat_ec)) || stat_ec) continue;
    uint64_t size = it->file_size(stat_ec);
    ++count.files;
    if (!stat_ec) count.bytes += size;
    struct stat st;
    if (lstat(it->path().c_str(), &st) == 0) {
      count.allocated_bytes += static_cast<uint64_t>(st.st_blocks) * 512;
    }
  }
  return count;
}

std::string FileSystemName(const std::string& path) {
  struct statfs fs;
  if (statfs(path.c_str(), &fs) != 0) return "";
  switch (static_cast<uint64_t>(fs.f_type)) {
    case 0xEF53:
      return "ext4";  // ext2/3/4 share the magic; perfcell writes ext4
    case 0x01021994:
      return "tmpfs";
    case 0x794C7630:
      return "overlay";
    case 0x9123683E:
      return "btrfs";
    case 0x58465342:
      return "xfs";
    default:
      return absl::StrFormat("0x%x", static_cast<uint64_t>(fs.f_type));
  }
}

void AddTmpPlacement(const std::string& tmp_dir, const std::string& data_mount,
                     GuestMetrics* m) {
  m->set_tmp_filesystem(FileSystemName(tmp_dir));
  struct statvfs vfs;
  if (statvfs(tmp_dir.c_str(), &vfs) == 0) {
    m->set_tmp_total_bytes(uint64_t{vfs.f_blocks} * vfs.f_frsize);
  }
  struct stat tmp, data;
  m->set_tmp_on_data_disk(
      !data_mount.empty() && stat(tmp_dir.c_str(), &tmp) == 0 &&
      stat(data_mount.c_str(), &data) == 0 && tmp.st_dev == data.st_dev);
}

}  // namespace perfcell::contract
