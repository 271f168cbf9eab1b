#include "tools/cc/byte_size.h"

#include <algorithm>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"

namespace perfcell {
namespace {

constexpr uint64_t kMaxBytes = (uint64_t{1} << 63) - 1;
constexpr char kUnits[] = "KMGT";
constexpr char kGrammar[] =
    "a whole number of bytes, optionally followed by K, M, G or T (binary "
    "units, e.g. 65536, 512K, 8M, 8MiB, 1G)";

absl::Status Invalid(absl::string_view text, absl::string_view what) {
  return absl::InvalidArgumentError(
      absl::StrCat("invalid size \"", absl::CEscape(text), "\": ", what));
}

bool AllDigits(absl::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), absl::ascii_isdigit);
}

// The shift of unit letter `c` (10 for K), or -1.
int ShiftOf(char c) {
  const char* unit = std::find(kUnits, kUnits + 4, absl::ascii_toupper(c));
  return unit == kUnits + 4 ? -1 : 10 * static_cast<int>(unit - kUnits + 1);
}

// Splits `text` into digits and a unit shift when it has the grammar's
// shape; false otherwise.
bool Split(absl::string_view text, absl::string_view* digits, int* shift) {
  *digits = text;
  *shift = 0;
  const std::string upper = absl::AsciiStrToUpper(text);
  size_t unit_at = text.size();
  if (upper.size() >= 3 && upper.compare(upper.size() - 2, 2, "IB") == 0) {
    unit_at = text.size() - 3;
  } else if (!upper.empty() && !absl::ascii_isdigit(upper.back())) {
    unit_at = text.size() - 1;
  }
  if (unit_at < text.size()) {
    *shift = ShiftOf(text[unit_at]);
    if (*shift < 0) return false;
    *digits = text.substr(0, unit_at);
  }
  return AllDigits(*digits);
}

// What to write instead of a malformed `text`, in the words of the error.
std::string Advice(absl::string_view text) {
  absl::string_view digits;
  int shift;
  // "8 M", " 8M": the same without spaces.
  const std::string squeezed = absl::StrReplaceAll(
      text, {{" ", ""}, {"\t", ""}, {"\n", ""}, {"\r", ""}});
  if (squeezed != text && Split(squeezed, &digits, &shift)) {
    return absl::StrCat("write it without spaces: ", squeezed);
  }
  // "8MB", "8mb": SI-looking units.
  const std::string upper = absl::AsciiStrToUpper(text);
  if (upper.size() >= 3 && upper.back() == 'B' &&
      ShiftOf(upper[upper.size() - 2]) > 0 &&
      AllDigits(text.substr(0, text.size() - 2))) {
    const absl::string_view number = text.substr(0, text.size() - 2);
    const std::string unit(1, upper[upper.size() - 2]);
    return absl::StrCat("sizes are binary; write ", number, unit, " or ",
                        number, unit, "iB (", number, " x 2^", ShiftOf(unit[0]),
                        " bytes)");
  }
  // "512B": bytes are written without a unit.
  if (upper.size() >= 2 && upper.back() == 'B' &&
      AllDigits(text.substr(0, text.size() - 1))) {
    return absl::StrCat("write bytes without a unit: ",
                        text.substr(0, text.size() - 1));
  }
  // "1.5G": a whole number of the next smaller unit, when there is one.
  const size_t dot = text.find('.');
  if (dot != absl::string_view::npos && !text.empty()) {
    const int unit_shift = ShiftOf(text.back());
    const absl::string_view whole = text.substr(0, dot);
    const absl::string_view fraction =
        text.substr(dot + 1, text.size() - dot - 2);
    uint64_t w = 0, f = 0, scale = 1;
    if (unit_shift > 0 && AllDigits(whole) && AllDigits(fraction) &&
        fraction.size() <= 6 && absl::SimpleAtoi(whole, &w) &&
        absl::SimpleAtoi(fraction, &f) && w < (uint64_t{1} << 40)) {
      for (size_t i = 0; i < fraction.size(); ++i) scale *= 10;
      const uint64_t smaller = (w * scale + f) * 1024;
      if (smaller % scale == 0) {
        const std::string unit =
            unit_shift == 10 ? "" : std::string(1, kUnits[unit_shift / 10 - 2]);
        return absl::StrCat("write whole numbers: ", smaller / scale, unit);
      }
    }
    return absl::StrCat("write whole numbers; a size is ", kGrammar);
  }
  return absl::StrCat("a size is ", kGrammar);
}

}  // namespace

absl::StatusOr<uint64_t> ParseByteSize(absl::string_view text) {
  if (text.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("empty size: write ", kGrammar));
  }
  absl::string_view digits;
  int shift;
  if (!Split(text, &digits, &shift)) return Invalid(text, Advice(text));
  uint64_t value = 0;
  // 20 or more digits do not fit in uint64_t: SimpleAtoi fails on them.
  if (!absl::SimpleAtoi(digits, &value) || value > (kMaxBytes >> shift)) {
    return Invalid(text, "a size is below 2^63 bytes (8 EiB, 8388608T)");
  }
  if (value == 0) {
    return Invalid(text, "a size is more than 0 (e.g. 1, 4K, 8M)");
  }
  return value << shift;
}

}  // namespace perfcell
