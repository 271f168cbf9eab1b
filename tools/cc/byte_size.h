// Sizes as perfcell's users write them, one grammar for every flag and
// macro argument that takes a size: perf_matrix's `sizes` and
// `data_disk_size` (tools/perf_matrix.bzl parse_size accepts exactly the
// same strings), the cell's --bytes and --data_disk_size, mkext4's --size.
//
//   ASSIGN_OR_RETURN(uint64_t bytes, ParseByteSize("8M"));  // 8388608
//
// Grammar:
//
//   size   = digits [ unit [ "iB" ] ]
//   digits = one or more of 0-9 (a whole number of bytes or of units)
//   unit   = "K" | "M" | "G" | "T"  (binary: 1K = 1024, 1M = 1024K, ...)
//
// The suffix may be in either case ("8m", "8MiB", "8mib"). Nothing else: no
// spaces, signs, decimals ("1.5G": write 1536M), "B" alone or "MB" (which
// some tools read as 10^6: write 8M or 8MiB). The value is more than 0 and
// below 2^63 bytes (8 EiB). The cases both parsers must agree on are the
// table tools/cc/testdata/byte_sizes.bzl.
//
// Thresholds ("server.rss_max < 128MiB", contract/thresholds.h) are not
// sizes: they are limits on measured figures, with decimals, zero and their
// own units (KiB, MiB/s), and keep their own grammar.
#ifndef PERFCELL_TOOLS_CC_BYTE_SIZE_H_
#define PERFCELL_TOOLS_CC_BYTE_SIZE_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace perfcell {

// Returns the bytes of `text` in the grammar above, or InvalidArgument whose
// message quotes `text` and says what to write instead.
//   ParseByteSize("50G");    // 53687091200
//   ParseByteSize("512KiB");  // 524288
//   ParseByteSize("8MB");    // InvalidArgument: invalid size "8MB": sizes
//                            // are binary; write 8M or 8MiB (8 x 2^20 bytes)
absl::StatusOr<uint64_t> ParseByteSize(absl::string_view text);

}  // namespace perfcell

#endif  // PERFCELL_TOOLS_CC_BYTE_SIZE_H_
