#include "runner/vm/firecracker_testing/json_body.h"

#include <cmath>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/util/json_util.h"

namespace perfcell {
namespace firecracker_testing {
namespace {

using google::protobuf::Struct;
using google::protobuf::Value;

std::string Backquoted(const std::string& name) {
  return absl::StrCat("`", name, "`");
}

const char* TypeName(JsonType type) {
  switch (type) {
    case JsonType::kString:
      return "a string";
    case JsonType::kBool:
      return "a boolean";
    case JsonType::kUnsigned:
      return "an unsigned integer";
    case JsonType::kObject:
      return "an object";
  }
  return "?";
}

std::string Describe(const Value& value) {
  switch (value.kind_case()) {
    case Value::kNullValue:
      return "null";
    case Value::kNumberValue:
      return absl::StrCat("number `", value.number_value(), "`");
    case Value::kStringValue:
      return absl::StrCat("string \"", value.string_value(), "\"");
    case Value::kBoolValue:
      return absl::StrCat("boolean `", value.bool_value() ? "true" : "false",
                          "`");
    case Value::kStructValue:
      return "map";
    case Value::kListValue:
      return "sequence";
    default:
      return "nothing";
  }
}

absl::Status CheckValue(const FieldSpec& spec, const Value& value) {
  bool ok = false;
  switch (spec.type) {
    case JsonType::kString:
      ok = value.kind_case() == Value::kStringValue;
      break;
    case JsonType::kBool:
      ok = value.kind_case() == Value::kBoolValue;
      break;
    case JsonType::kUnsigned:
      ok = value.kind_case() == Value::kNumberValue &&
           value.number_value() >= 0 &&
           value.number_value() == std::floor(value.number_value()) &&
           value.number_value() < 18446744073709551616.0;
      break;
    case JsonType::kObject:
      ok = value.kind_case() == Value::kStructValue;
      break;
  }
  if (!ok) {
    return absl::InvalidArgumentError(absl::StrCat(
        "invalid type: ", Describe(value), ", expected ", TypeName(spec.type),
        " for field ", Backquoted(spec.name)));
  }
  if (spec.type == JsonType::kString && !spec.one_of.empty()) {
    for (const std::string& allowed : spec.one_of) {
      if (value.string_value() == allowed) return absl::OkStatus();
    }
    std::vector<std::string> quoted;
    for (const std::string& allowed : spec.one_of) {
      quoted.push_back(Backquoted(allowed));
    }
    return absl::InvalidArgumentError(
        absl::StrCat("unknown variant ", Backquoted(value.string_value()),
                     ", expected one of ", absl::StrJoin(quoted, ", "),
                     " for field ", Backquoted(spec.name)));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Struct> ParseJsonBody(absl::string_view body,
                                     const std::vector<FieldSpec>& fields) {
  Struct parsed;
  if (body.empty()) {
    return absl::InvalidArgumentError("EOF while parsing a value: empty body");
  }
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  auto status = google::protobuf::util::JsonStringToMessage(
      google::protobuf::StringPiece(body.data(), body.size()), &parsed,
      options);
  if (!status.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("not a JSON object: ", status.message().as_string()));
  }
  for (const auto& [name, value] : parsed.fields()) {
    const FieldSpec* spec = nullptr;
    for (const FieldSpec& candidate : fields) {
      if (candidate.name == name) spec = &candidate;
    }
    if (spec == nullptr) {
      std::vector<std::string> expected;
      for (const FieldSpec& candidate : fields) {
        expected.push_back(Backquoted(candidate.name));
      }
      return absl::InvalidArgumentError(
          absl::StrCat("unknown field ", Backquoted(name), ", expected one of ",
                       absl::StrJoin(expected, ", ")));
    }
    absl::Status value_status = CheckValue(*spec, value);
    if (!value_status.ok()) return value_status;
  }
  for (const FieldSpec& spec : fields) {
    if (spec.required && !parsed.fields().contains(spec.name)) {
      return absl::InvalidArgumentError(
          absl::StrCat("missing field ", Backquoted(spec.name)));
    }
  }
  return parsed;
}

bool HasField(const Struct& body, const std::string& name) {
  return body.fields().contains(name);
}

std::string StringField(const Struct& body, const std::string& name,
                        const std::string& absent) {
  auto it = body.fields().find(name);
  return it == body.fields().end() ? absent : it->second.string_value();
}

bool BoolField(const Struct& body, const std::string& name, bool absent) {
  auto it = body.fields().find(name);
  return it == body.fields().end() ? absent : it->second.bool_value();
}

uint64_t UnsignedField(const Struct& body, const std::string& name,
                       uint64_t absent) {
  auto it = body.fields().find(name);
  return it == body.fields().end()
             ? absent
             : static_cast<uint64_t>(it->second.number_value());
}

}  // namespace firecracker_testing
}  // namespace perfcell
