#include "images/ext4/size.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "tools/cc/byte_size.h"
#include "tools/cc/status_macros.h"

namespace perfcell::ext4 {

absl::StatusOr<SizeSpec> ParseSizeSpec(absl::string_view text) {
  SizeSpec spec;
  if (!absl::StartsWith(text, "fit")) {
    ASSIGN_OR_RETURN(spec.bytes, ParseByteSize(text));
    return spec;
  }
  spec.fit = true;
  absl::string_view rest = text.substr(3);
  if (rest.empty()) return spec;
  absl::Status bad = absl::InvalidArgumentError(
      absl::StrCat("invalid size \"", text,
                   "\": want fit, fit+N% (headroom in percent of the "
                   "content) or fit+SIZE (e.g. fit+4M)"));
  if (!absl::ConsumePrefix(&rest, "+") || rest.empty()) return bad;
  if (absl::ConsumeSuffix(&rest, "%")) {
    if (!absl::SimpleAtoi(rest, &spec.headroom_percent) ||
        !std::all_of(rest.begin(), rest.end(), absl::ascii_isdigit) ||
        spec.headroom_percent > 1000) {
      return bad;
    }
    return spec;
  }
  absl::StatusOr<uint64_t> bytes = ParseByteSize(rest);
  if (!bytes.ok()) return bad;
  spec.headroom_bytes = *bytes;
  return spec;
}

std::string FormatBytes(uint64_t bytes) {
  static constexpr const char* kUnits[] = {"KiB", "MiB", "GiB", "TiB"};
  if (bytes < 1024) return absl::StrCat(bytes, " B");
  double value = static_cast<double>(bytes) / 1024;
  int unit = 0;
  while (value >= 1024 && unit < 3) {
    value /= 1024;
    ++unit;
  }
  return absl::StrFormat("%.1f %s", value, kUnits[unit]);
}

}  // namespace perfcell::ext4
