#include "examples/chunkstore/expiration.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace chunkstore {

absl::Time NeverExpires() {
  return absl::FromCivil(absl::CivilSecond(2999, 12, 31, 0, 0, 0),
                         absl::UTCTimeZone());
}

absl::StatusOr<absl::Time> ParseExpiration(
    const std::optional<std::string>& value, absl::Time now) {
  if (!value.has_value() || value->empty()) {
    return absl::InvalidArgumentError(
        "missing expiration: add ?expiration=<RFC 3339 time> "
        "(2999-12-31T00:00:00Z for never)");
  }
  std::string text = *value;
  std::replace(text.begin(), text.end(), ' ', '+');
  absl::Time t;
  std::string error;
  if (!absl::ParseTime(absl::RFC3339_full, text, &t, &error)) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid expiration \"", *value,
                     "\": expected an RFC 3339 time such as "
                     "2006-01-02T15:04:05Z (",
                     error, ")"));
  }
  if (t < now) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid expiration \"", *value, "\": it is in the past"));
  }
  if (t - now < kMinimumLifetime) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid expiration \"", *value,
                     "\": it must be at least one hour in the future"));
  }
  return t;
}

std::string Rfc3339Utc(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", t, absl::UTCTimeZone());
}

}  // namespace chunkstore
