#include "runner/vm/firecracker_api.h"

#include "absl/strings/str_cat.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "runner/vm/http_call.h"

namespace perfcell {
namespace {

using google::protobuf::Struct;

// Struct + json_util do the escaping: paths and boot arguments come from
// the user and may hold quotes or backslashes.
std::string ToJson(const Struct& object) {
  std::string json;
  (void)google::protobuf::util::MessageToJsonString(object, &json);
  return json;
}

void SetString(Struct& object, const std::string& name,
               const std::string& value) {
  (*object.mutable_fields())[name].set_string_value(value);
}

void SetBool(Struct& object, const std::string& name, bool value) {
  (*object.mutable_fields())[name].set_bool_value(value);
}

void SetNumber(Struct& object, const std::string& name, uint32_t value) {
  (*object.mutable_fields())[name].set_number_value(value);
}

// The fault_message of an error body, or the body itself when it is not the
// documented {"fault_message": "..."}.
std::string FaultMessage(const std::string& body) {
  Struct parsed;
  if (google::protobuf::util::JsonStringToMessage(body, &parsed).ok()) {
    auto it = parsed.fields().find("fault_message");
    if (it != parsed.fields().end() && it->second.has_string_value()) {
      return it->second.string_value();
    }
  }
  return body.empty() ? "(empty body)" : body;
}

}  // namespace

std::string BootSourceJson(const BootSource& boot_source) {
  Struct body;
  SetString(body, "kernel_image_path", boot_source.kernel_image_path);
  if (!boot_source.initrd_path.empty()) {
    SetString(body, "initrd_path", boot_source.initrd_path);
  }
  if (!boot_source.boot_args.empty()) {
    SetString(body, "boot_args", boot_source.boot_args);
  }
  return ToJson(body);
}

std::string DriveJson(const Drive& drive) {
  Struct body;
  SetString(body, "drive_id", drive.drive_id);
  SetString(body, "path_on_host", drive.path_on_host);
  SetBool(body, "is_root_device", drive.is_root_device);
  SetBool(body, "is_read_only", drive.is_read_only);
  SetString(body, "cache_type", drive.cache_type);
  return ToJson(body);
}

std::string MachineConfigJson(const MachineConfig& config) {
  Struct body;
  SetNumber(body, "vcpu_count", config.vcpu_count);
  SetNumber(body, "mem_size_mib", config.mem_size_mib);
  return ToJson(body);
}

std::string NetworkInterfaceJson(const NetworkInterface& iface) {
  Struct body;
  SetString(body, "iface_id", iface.iface_id);
  SetString(body, "host_dev_name", iface.host_dev_name);
  if (!iface.guest_mac.empty()) SetString(body, "guest_mac", iface.guest_mac);
  return ToJson(body);
}

std::string ActionJson(absl::string_view action_type) {
  Struct body;
  SetString(body, "action_type", std::string(action_type));
  return ToJson(body);
}

absl::Status FirecrackerApi::PutBootSource(const BootSource& boot_source) {
  return Put("/boot-source", BootSourceJson(boot_source));
}

absl::Status FirecrackerApi::PutDrive(const Drive& drive) {
  return Put(absl::StrCat("/drives/", drive.drive_id), DriveJson(drive));
}

absl::Status FirecrackerApi::PutMachineConfig(const MachineConfig& config) {
  return Put("/machine-config", MachineConfigJson(config));
}

absl::Status FirecrackerApi::PutNetworkInterface(
    const NetworkInterface& iface) {
  return Put(absl::StrCat("/network-interfaces/", iface.iface_id),
             NetworkInterfaceJson(iface));
}

absl::Status FirecrackerApi::PutAction(absl::string_view action_type) {
  return Put("/actions", ActionJson(action_type));
}

absl::Status FirecrackerApi::Put(absl::string_view route,
                                 const std::string& json_body) {
  HttpCall call;
  call.method = "PUT";
  call.url = absl::StrCat("http://localhost", route);
  call.unix_socket = socket_path_;
  call.body = json_body;
  call.timeout = timeout_;
  absl::StatusOr<HttpResult> result = PerformHttp(call);
  if (!result.ok()) {
    return absl::UnavailableError(
        absl::StrCat("Firecracker API PUT ", route,
                     " got no answer: ", result.status().message()));
  }
  if (result->status >= 200 && result->status < 300) return absl::OkStatus();
  return absl::FailedPreconditionError(
      absl::StrCat("Firecracker API PUT ", route, " refused (HTTP ",
                   result->status, "): ", FaultMessage(result->body)));
}

}  // namespace perfcell
