// The mkext4 command, as a function of its flags: turns flag values into an
// FsTree and an image build or update. main.cc only parses flags.
#ifndef PERFCELL_IMAGES_EXT4_MKEXT4_H_
#define PERFCELL_IMAGES_EXT4_MKEXT4_H_

#include <string>
#include <vector>

#include "absl/status/status.h"

namespace perfcell::ext4 {

struct Mkext4Flags {
  std::string from_dir;
  std::string manifest;
  std::string size;
  std::string out;
  bool add = false;
  std::string base;
  std::string owner;
  bool journal = true;
  bool read_only = false;
  std::string label;
  std::string uuid;
  std::string source_date_epoch;  // the environment variable's value
};

// Builds (or with `add`/`base` updates) the image the flags describe.
// Returns InvalidArgument for contradictory or missing flags. When `warnings`
// is set it receives one line per thing the image silently lacks (e.g. "2
// files under "rootfs" have extended attributes, which are not copied ...").
absl::Status RunMkext4(const Mkext4Flags& flags,
                       std::vector<std::string>* warnings = nullptr);

}  // namespace perfcell::ext4

#endif  // PERFCELL_IMAGES_EXT4_MKEXT4_H_
