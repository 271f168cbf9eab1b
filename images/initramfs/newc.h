// Serializes archive members as a "newc" cpio archive (magic "070701"), the
// format the Linux kernel unpacks as an initramfs.
//
//   std::string cpio = WriteNewc(members, {.mtime = 0});
//   // 110-byte ASCII headers, names and data padded to 4 bytes, inode
//   // numbers 1, 2, ... in member order, ending with "TRAILER!!!".
//
// A hard link (Member::link_to) shares its target's inode number and link
// count; a linked file's data is stored once, with the group's last member.
#ifndef PERFCELL_IMAGES_INITRAMFS_NEWC_H_
#define PERFCELL_IMAGES_INITRAMFS_NEWC_H_

#include <cstdint>
#include <string>
#include <vector>

#include "images/initramfs/plan.h"

namespace perfcell::initramfs {

struct NewcOptions {
  uint32_t mtime = 0;  // every member's modification time (seconds)
};

// Returns the archive holding `members` in the given order. Deterministic:
// the output depends only on the arguments.
std::string WriteNewc(const std::vector<Member>& members,
                      const NewcOptions& options);

}  // namespace perfcell::initramfs

#endif  // PERFCELL_IMAGES_INITRAMFS_NEWC_H_
