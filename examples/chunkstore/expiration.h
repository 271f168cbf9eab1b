// The `expiration` query parameter of an upload, checked as PicoShare does:
// an RFC 3339 time at least one hour in the future; 2999-12-31T00:00:00Z
// means "never".
//
//   ParseExpiration("2999-12-31T00:00:00Z", absl::Now());  // NeverExpires()
//   ParseExpiration("yesterday", absl::Now());  // InvalidArgument
#ifndef PERFCELL_EXAMPLES_CHUNKSTORE_EXPIRATION_H_
#define PERFCELL_EXAMPLES_CHUNKSTORE_EXPIRATION_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace chunkstore {

// The shortest lifetime an upload may ask for.
inline constexpr absl::Duration kMinimumLifetime = absl::Hours(1);

// 2999-12-31T00:00:00Z, the expiration that means "never".
absl::Time NeverExpires();

// Returns the expiration `value` names. InvalidArgument (with a message for
// the client) when it is missing, not RFC 3339, or less than
// kMinimumLifetime after `now`. A '+' decoded as a space by form decoding
// (an unescaped "+02:00" offset) is accepted as '+'.
absl::StatusOr<absl::Time> ParseExpiration(
    const std::optional<std::string>& value, absl::Time now);

// Formats `t` as RFC 3339 in UTC, seconds precision: "2006-01-02T15:04:05Z".
std::string Rfc3339Utc(absl::Time t);

}  // namespace chunkstore

#endif  // PERFCELL_EXAMPLES_CHUNKSTORE_EXPIRATION_H_
