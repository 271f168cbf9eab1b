// Image sizes as people write them: "50G", "512M", "64K", "1048576" (the
// grammar of every perfcell size, tools/cc/byte_size.h), or "fit".
//
//   ParseSizeSpec("50G")->bytes;  // 53687091200 (binary units: 1K = 1024)
//   FormatBytes(3 << 20);  // "3.0 MiB"
#ifndef PERFCELL_IMAGES_EXT4_SIZE_H_
#define PERFCELL_IMAGES_EXT4_SIZE_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace perfcell::ext4 {

// An image size as given to --size: a fixed size, or "fit" (content plus
// metadata, computed from the tree) with optional headroom.
struct SizeSpec {
  uint64_t bytes = 0;  // fixed size; 0 when `fit`
  bool fit = false;
  uint32_t headroom_percent = 0;  // "fit+10%": 10% of the content's blocks
  uint64_t headroom_bytes = 0;    // "fit+4M": 4 MiB of free space
};

// Parses "50G" (as perfcell::ParseByteSize), "fit", "fit+N%" or "fit+SIZE".
// InvalidArgument, naming `text`, for anything else.
absl::StatusOr<SizeSpec> ParseSizeSpec(absl::string_view text);

// Returns `bytes` scaled to the largest binary unit that keeps it >= 1, with
// one decimal: "512 B", "1.5 KiB", "50.0 GiB".
std::string FormatBytes(uint64_t bytes);

}  // namespace perfcell::ext4

#endif  // PERFCELL_IMAGES_EXT4_SIZE_H_
