#include "images/initramfs/newc.h"

#include <sys/stat.h>

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
  std::string out;
  uint32_t ino = 1;
  for (const Member& m : members) {
    Header h;
    h.ino = ino++;
    h.mode = m.mode;
    h.uid = m.uid;
    h.gid = m.gid;
    h.nlink = S_ISDIR(m.mode) ? 2 : 1;
    h.mtime = options.mtime;
    h.filesize = static_cast<uint32_t>(m.data.size());
    h.rdev_major = m.rdev_major;
    h.rdev_minor = m.rdev_minor;
    AppendRecord(h, m.path, m.data, out);
  }
  AppendRecord(Header{}, "TRAILER!!!", "", out);
  return out;
}

}  // namespace perfcell::initramfs
