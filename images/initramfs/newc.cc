#include "images/initramfs/newc.h"

#include <sys/stat.h>

#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"

namespace perfcell::initramfs {
namespace {

void PadTo4(std::string& out) {
  while (out.size() % 4 != 0) out.push_back('\0');
}

struct Header {
  uint32_t ino = 0;
  uint32_t mode = 0;
  uint32_t uid = 0;
  uint32_t gid = 0;
  uint32_t nlink = 1;
  uint32_t mtime = 0;
  uint32_t filesize = 0;
  uint32_t rdev_major = 0;
  uint32_t rdev_minor = 0;
};

void AppendRecord(const Header& h, const std::string& name,
                  const std::string& data, std::string& out) {
  // Fields: magic, ino, mode, uid, gid, nlink, mtime, filesize, devmajor,
  // devminor, rdevmajor, rdevminor, namesize, check.
  absl::StrAppendFormat(&out,
                        "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X"
                        "%08X%08X",
                        h.ino, h.mode, h.uid, h.gid, h.nlink, h.mtime,
                        h.filesize, 0, 0, h.rdev_major, h.rdev_minor,
                        name.size() + 1, 0);
  out.append(name);
  out.push_back('\0');
  PadTo4(out);
  out.append(data);
  PadTo4(out);
}

}  // namespace

std::string WriteNewc(const std::vector<Member>& members,
                      const NewcOptions& options) {
  // Hard links: every member names the inode of its group's root (itself, or
  // the member it links to). A group shares one inode number (numbered in
  // order of first appearance, so without links member i is inode i + 1) and
  // its name count; a regular file's data goes with its group's last member,
  // the others have size 0, as GNU cpio writes them and as the kernel and
  // GNU cpio expect when they unpack.
  std::map<std::string, size_t> index_of;
  for (size_t i = 0; i < members.size(); ++i) index_of[members[i].path] = i;
  std::vector<size_t> root(members.size());
  std::map<size_t, uint32_t> names;      // root -> members naming it
  std::map<size_t, size_t> last_member;  // root -> its last member
  for (size_t i = 0; i < members.size(); ++i) {
    root[i] = i;
    if (!members[i].link_to.empty()) {
      auto it = index_of.find(members[i].link_to);
      if (it != index_of.end()) root[i] = it->second;
    }
    ++names[root[i]];
    last_member[root[i]] = i;
  }
  std::map<size_t, uint32_t> ino_of;  // root -> inode number
  std::string out;
  for (size_t i = 0; i < members.size(); ++i) {
    const Member& m = members[i];
    const Member& inode = members[root[i]];
    auto it =
        ino_of.emplace(root[i], static_cast<uint32_t>(ino_of.size() + 1)).first;
    const bool carries_data = last_member[root[i]] == i;
    Header h;
    h.ino = it->second;
    h.mode = inode.mode;
    h.uid = inode.uid;
    h.gid = inode.gid;
    h.nlink = S_ISDIR(inode.mode) ? 2 : names[root[i]];
    h.mtime = inode.mtime.value_or(options.mtime);
    h.rdev_major = inode.rdev_major;
    h.rdev_minor = inode.rdev_minor;
    static const std::string kNoData;
    const std::string& data = carries_data ? inode.data : kNoData;
    h.filesize = static_cast<uint32_t>(data.size());
    AppendRecord(h, m.path, data, out);
  }
  AppendRecord(Header{}, "TRAILER!!!", "", out);
  return out;
}

}  // namespace perfcell::initramfs
