// Parsers for the bits of PicoShare answers the workload reads: JSON through
// protobuf's json_util, header values with RE2.
//
//   ParseEntryId("{\"id\":\"AbCdEfGhIj\"}\n");     // "AbCdEfGhIj"
//   ParseServerTimingSeconds("app;dur=12.5");      // 0.0125
//   ParseServerTimingSeconds("db;dur=3, app;dur=40", "db");  // 0.003
#ifndef PERFCELL_RUNNER_WORKLOAD_RESPONSE_PARSE_H_
#define PERFCELL_RUNNER_WORKLOAD_RESPONSE_PARSE_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace perfcell {

// Returns the entry id of an upload answer, a JSON object with a string
// "id" of [A-Za-z0-9_-]+ (`{"id":"<id>"}` and a newline from PicoShare;
// other fields and any key order are fine). InvalidArgument, quoting the
// start of the body, for anything else.
absl::StatusOr<std::string> ParseEntryId(absl::string_view body);

// Returns the duration of `metric` in a Server-Timing header value, in
// seconds (the header carries milliseconds). NotFound when the metric or its
// `dur` is absent, InvalidArgument when the number is malformed.
absl::StatusOr<double> ParseServerTimingSeconds(
    absl::string_view value, absl::string_view metric = "app");

}  // namespace perfcell

#endif  // PERFCELL_RUNNER_WORKLOAD_RESPONSE_PARSE_H_
