// Checks a JSON request body against a route's field list the way
// Firecracker's serde types do (`deny_unknown_fields`): unknown fields,
// missing required fields, wrong JSON types and values outside an enum are
// each refused with a message in serde's words.
//
//   const std::vector<FieldSpec> kMachineConfig = {
//       {"vcpu_count", JsonType::kUnsigned, kRequired},
//       {"smt", JsonType::kBool, kOptional}};
//   ParseJsonBody(R"({"vcpu_count": 2, "foo": 1})", kMachineConfig);
//   // InvalidArgument: "unknown field `foo`, expected one of `vcpu_count`,
//   // `smt`"
#ifndef PERFCELL_RUNNER_VM_FIRECRACKER_TESTING_JSON_BODY_H_
#define PERFCELL_RUNNER_VM_FIRECRACKER_TESTING_JSON_BODY_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/struct.pb.h"

namespace perfcell {
namespace firecracker_testing {

enum class JsonType { kString, kBool, kUnsigned, kObject };

inline constexpr bool kRequired = true;
inline constexpr bool kOptional = false;

struct FieldSpec {
  std::string name;
  JsonType type;
  bool required;
  // For kString: the accepted values; empty accepts any string.
  std::vector<std::string> one_of;
};

// Parses `body` (a JSON object) and checks it against `fields`. Returns the
// object, or InvalidArgument describing the first problem.
absl::StatusOr<google::protobuf::Struct> ParseJsonBody(
    absl::string_view body, const std::vector<FieldSpec>& fields);

// Field accessors for a body that ParseJsonBody accepted: the value, or the
// given default when the field is absent.
std::string StringField(const google::protobuf::Struct& body,
                        const std::string& name,
                        const std::string& absent = "");
bool BoolField(const google::protobuf::Struct& body, const std::string& name,
               bool absent = false);
uint64_t UnsignedField(const google::protobuf::Struct& body,
                       const std::string& name, uint64_t absent = 0);
bool HasField(const google::protobuf::Struct& body, const std::string& name);

}  // namespace firecracker_testing
}  // namespace perfcell

#endif  // PERFCELL_RUNNER_VM_FIRECRACKER_TESTING_JSON_BODY_H_
