#include "runner/workload/response_parse.h"

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "re2/re2.h"

namespace perfcell {

absl::StatusOr<std::string> ParseEntryId(absl::string_view body) {
  auto refuse = [body](absl::string_view why) {
    return absl::InvalidArgumentError(
        absl::StrCat("upload answer ", why, ": \"",
                     absl::CEscape(body.substr(0, 80)), "\""));
  };
  google::protobuf::Struct answer;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;
  if (!google::protobuf::util::JsonStringToMessage(
           google::protobuf::StringPiece(body.data(), body.size()), &answer,
           options)
           .ok()) {
    return refuse("is not a JSON object");
  }
  auto id = answer.fields().find("id");
  if (id == answer.fields().end() ||
      id->second.kind_case() != google::protobuf::Value::kStringValue) {
    return refuse("has no string \"id\"");
  }
  // The id goes into a URL path (/-<id>, /api/entry/<id>).
  static const LazyRE2 kIdChars = {R"re([A-Za-z0-9_-]+)re"};
  if (!RE2::FullMatch(id->second.string_value(), *kIdChars)) {
    return refuse("has an \"id\" that is not [A-Za-z0-9_-]+");
  }
  return id->second.string_value();
}

absl::StatusOr<double> ParseServerTimingSeconds(absl::string_view value,
                                                absl::string_view metric) {
  // value: metric *( ";" param ) *( "," metric ... ), e.g. "app;dur=12.5".
  static const LazyRE2 kDur = {R"re((?i)^\s*dur\s*=\s*"?([^";,\s]*)"?\s*$)re"};
  for (absl::string_view entry : absl::StrSplit(value, ',')) {
    std::vector<absl::string_view> params = absl::StrSplit(entry, ';');
    if (absl::StripAsciiWhitespace(params[0]) != metric) continue;
    for (size_t i = 1; i < params.size(); ++i) {
      std::string number;
      if (!RE2::FullMatch(re2::StringPiece(params[i].data(), params[i].size()),
                          *kDur, &number))
        continue;
      double ms;
      if (!absl::SimpleAtod(number, &ms) || ms < 0) {
        return absl::InvalidArgumentError(absl::StrCat(
            "Server-Timing \"", value, "\": bad dur for ", metric));
      }
      return ms / 1000.0;
    }
  }
  return absl::NotFoundError(
      absl::StrCat("Server-Timing \"", value, "\" has no ", metric, ";dur"));
}

}  // namespace perfcell
