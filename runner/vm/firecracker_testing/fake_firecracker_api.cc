#include "runner/vm/firecracker_testing/fake_firecracker_api.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <optional>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "re2/re2.h"
#include "runner/vm/firecracker_testing/json_body.h"

namespace perfcell {
namespace firecracker_testing {
namespace {

using google::protobuf::Struct;

// Firecracker's own words for the refusals the backend is most likely to meet.
constexpr char kNotAfterBoot[] =
    "The requested operation is not supported after starting the microVM.";
constexpr char kNotBeforeBoot[] =
    "The requested operation is not supported before starting the microVM.";
constexpr char kNoKernel[] =
    "Cannot start microvm without kernel configuration.";
constexpr uint64_t kMaxVcpus = 32;

const std::vector<FieldSpec>& BootSourceFields() {
  static const auto* fields = new std::vector<FieldSpec>{
      {"kernel_image_path", JsonType::kString, kRequired, {}},
      {"initrd_path", JsonType::kString, kOptional, {}},
      {"boot_args", JsonType::kString, kOptional, {}},
  };
  return *fields;
}

const std::vector<FieldSpec>& DriveFields() {
  static const auto* fields = new std::vector<FieldSpec>{
      {"drive_id", JsonType::kString, kRequired, {}},
      {"partuuid", JsonType::kString, kOptional, {}},
      {"is_root_device", JsonType::kBool, kRequired, {}},
      {"cache_type", JsonType::kString, kOptional, {"Unsafe", "Writeback"}},
      {"is_read_only", JsonType::kBool, kOptional, {}},
      {"path_on_host", JsonType::kString, kOptional, {}},
      {"rate_limiter", JsonType::kObject, kOptional, {}},
      {"io_engine", JsonType::kString, kOptional, {"Sync", "Async"}},
      {"socket", JsonType::kString, kOptional, {}},
  };
  return *fields;
}

const std::vector<FieldSpec>& MachineConfigFields() {
  static const auto* fields = new std::vector<FieldSpec>{
      {"vcpu_count", JsonType::kUnsigned, kRequired, {}},
      {"mem_size_mib", JsonType::kUnsigned, kRequired, {}},
      {"smt", JsonType::kBool, kOptional, {}},
      {"track_dirty_pages", JsonType::kBool, kOptional, {}},
      {"cpu_template",
       JsonType::kString,
       kOptional,
       {"C3", "T2", "T2S", "T2CL", "T2A", "V1N1", "None"}},
      {"huge_pages",
       JsonType::kString,
       kOptional,
       {"None", "Transparent", "2M"}},
  };
  return *fields;
}

const std::vector<FieldSpec>& NetworkInterfaceFields() {
  static const auto* fields = new std::vector<FieldSpec>{
      {"iface_id", JsonType::kString, kRequired, {}},
      {"host_dev_name", JsonType::kString, kRequired, {}},
      {"guest_mac", JsonType::kString, kOptional, {}},
      {"mtu", JsonType::kUnsigned, kOptional, {}},
      {"rx_rate_limiter", JsonType::kObject, kOptional, {}},
      {"tx_rate_limiter", JsonType::kObject, kOptional, {}},
  };
  return *fields;
}

const std::vector<FieldSpec>& ActionFields() {
  static const auto* fields = new std::vector<FieldSpec>{
      {"action_type",
       JsonType::kString,
       kRequired,
       {"FlushMetrics", "InstanceStart", "SendCtrlAltDel"}},
  };
  return *fields;
}

std::string ToJson(const Struct& object) {
  std::string json;
  (void)google::protobuf::util::MessageToJsonString(object, &json);
  return json;
}

HttpResponse Fault(const std::string& message) {
  Struct body;
  (*body.mutable_fields())["fault_message"].set_string_value(message);
  return HttpResponse{400, "application/json", ToJson(body)};
}

HttpResponse NoContent() { return HttpResponse{204, "application/json", ""}; }

HttpResponse BadBody(const absl::Status& status) {
  return Fault(absl::StrCat(
      "An error occurred when deserializing the json body of a request: ",
      status.message(), "."));
}

// How Rust prints an io::Error from open(2), e.g.
// "No such file or directory (os error 2)"; empty when `path` opens.
std::string OpenError(const std::string& path, bool writable) {
  int fd = open(path.c_str(), (writable ? O_RDWR : O_RDONLY) | O_CLOEXEC);
  if (fd >= 0) {
    close(fd);
    return "";
  }
  return absl::StrCat(std::strerror(errno), " (os error ", errno, ")");
}

// Resource ids are made of alphanumerics and '_' (Firecracker's checked_id).
bool ValidId(const std::string& id) {
  static const LazyRE2 kId = {"[A-Za-z0-9_]{1,64}"};
  return RE2::FullMatch(id, *kId);
}

}  // namespace

absl::StatusOr<std::unique_ptr<FakeFirecrackerApi>> FakeFirecrackerApi::Listen(
    FakeFirecrackerApiOptions options) {
  std::unique_ptr<FakeFirecrackerApi> api(
      new FakeFirecrackerApi(std::move(options)));
  FakeFirecrackerApi* raw = api.get();
  absl::StatusOr<std::unique_ptr<HttpServer>> server = HttpServer::ListenUnix(
      api->options_.socket_path,
      [raw](const HttpRequest& request) { return raw->Handle(request); });
  if (!server.ok()) return server.status();
  api->server_ = *std::move(server);
  return api;
}

FakeFirecrackerApi::FakeFirecrackerApi(FakeFirecrackerApiOptions options)
    : options_(std::move(options)) {}

std::vector<RecordedRequest> FakeFirecrackerApi::requests() const {
  absl::MutexLock lock(&mu_);
  return requests_;
}

bool FakeFirecrackerApi::started() const {
  absl::MutexLock lock(&mu_);
  return started_;
}

FakeMachine FakeFirecrackerApi::machine() const {
  absl::MutexLock lock(&mu_);
  return machine_;
}

HttpResponse FakeFirecrackerApi::Handle(const HttpRequest& request) {
  HttpResponse response;
  std::optional<FakeMachine> to_boot;
  {
    absl::MutexLock lock(&mu_);
    response = Route(request);
    Record(request, response.status);
    to_boot.swap(pending_boot_);
  }
  // Like Firecracker, answer InstanceStart once the guest runs.
  if (to_boot.has_value() && options_.on_instance_start) {
    options_.on_instance_start(*to_boot);
  }
  return response;
}

void FakeFirecrackerApi::Record(const HttpRequest& request, int status) {
  requests_.push_back({request.method, request.path, request.body, status});
  if (options_.request_log.empty()) return;
  Struct line;
  auto& fields = *line.mutable_fields();
  fields["method"].set_string_value(request.method);
  fields["path"].set_string_value(request.path);
  fields["status"].set_number_value(status);
  fields["body"].set_string_value(request.body);
  std::ofstream log(options_.request_log, std::ios::app);
  log << ToJson(line) << "\n";
}

HttpResponse FakeFirecrackerApi::Route(const HttpRequest& request) {
  const std::string& method = request.method;
  const std::string& path = request.path;
  if (method == "GET" && path == "/") return DescribeInstance();
  if (method == "GET" && path == "/machine-config") {
    return DescribeMachineConfig();
  }
  if (method == "PUT" && path == "/actions") return PutAction(request.body);

  // Everything else that Firecracker accepts by PUT is pre-boot only.
  bool pre_boot_put =
      method == "PUT" && (path == "/boot-source" || path == "/machine-config" ||
                          absl::StartsWith(path, "/drives/") ||
                          absl::StartsWith(path, "/network-interfaces/"));
  if (pre_boot_put && started_) return Fault(kNotAfterBoot);
  if (method == "PUT" && path == "/boot-source") {
    return PutBootSource(request.body);
  }
  if (method == "PUT" && path == "/machine-config") {
    return PutMachineConfig(request.body);
  }
  absl::string_view id = path;
  if (method == "PUT" && absl::ConsumePrefix(&id, "/drives/")) {
    return PutDrive(std::string(id), request.body);
  }
  if (method == "PUT" && absl::ConsumePrefix(&id, "/network-interfaces/")) {
    return PutNetworkInterface(std::string(id), request.body);
  }
  if (method == "PATCH" && (absl::StartsWith(path, "/drives/") ||
                            absl::StartsWith(path, "/network-interfaces/"))) {
    if (!started_) return Fault(kNotBeforeBoot);
    return Fault(absl::StrCat("perfcell's fake_firecracker does not emulate ",
                              method, " ", path, "."));
  }
  static const auto* kNotEmulated = new std::vector<std::string>{
      "/balloon", "/cpu-config", "/entropy", "/logger",    "/metrics",
      "/mmds",    "/pmem/",      "/serial",  "/snapshot/", "/vm",
      "/vsock",   "/hotplug/",   "/version", "/vm/config"};
  for (const std::string& prefix : *kNotEmulated) {
    if (absl::StartsWith(path, prefix)) {
      return Fault(absl::StrCat("perfcell's fake_firecracker does not emulate ",
                                method, " ", path, "."));
    }
  }
  return Fault(absl::StrCat("Invalid request method and/or path: ", method, " ",
                            path, "."));
}

HttpResponse FakeFirecrackerApi::PutBootSource(const std::string& body) {
  absl::StatusOr<Struct> parsed = ParseJsonBody(body, BootSourceFields());
  if (!parsed.ok()) return BadBody(parsed.status());
  std::string kernel = StringField(*parsed, "kernel_image_path");
  std::string initrd = StringField(*parsed, "initrd_path");
  if (std::string error = OpenError(kernel, false); !error.empty()) {
    return Fault(absl::StrCat("The kernel file cannot be opened: ", error));
  }
  if (!initrd.empty()) {
    if (std::string error = OpenError(initrd, false); !error.empty()) {
      return Fault(absl::StrCat(
          "The initrd file cannot be opened due to invalid path or invalid "
          "permissions. ",
          error));
    }
  }
  machine_.kernel_image_path = kernel;
  machine_.initrd_path = initrd;
  machine_.boot_args = StringField(*parsed, "boot_args");
  return NoContent();
}

HttpResponse FakeFirecrackerApi::PutDrive(const std::string& id,
                                          const std::string& body) {
  if (!ValidId(id)) {
    return Fault(
        "Invalid ID. The ID must contain only alphanumeric characters and "
        "'_'.");
  }
  absl::StatusOr<Struct> parsed = ParseJsonBody(body, DriveFields());
  if (!parsed.ok()) return BadBody(parsed.status());
  FakeDrive drive;
  drive.drive_id = StringField(*parsed, "drive_id");
  if (drive.drive_id != id) {
    return Fault(absl::StrCat("The id from the path [", id,
                              "] does not match the id from the body [",
                              drive.drive_id, "]!"));
  }
  if (HasField(*parsed, "socket")) {
    return Fault(
        "perfcell's fake_firecracker does not emulate vhost-user-block "
        "drives.");
  }
  // A virtio-block drive needs its backing file and its read-only flag.
  for (const char* field : {"path_on_host", "is_read_only"}) {
    if (!HasField(*parsed, field)) {
      return BadBody(absl::InvalidArgumentError(
          absl::StrCat("missing field `", field, "`")));
    }
  }
  drive.path_on_host = StringField(*parsed, "path_on_host");
  drive.is_root_device = BoolField(*parsed, "is_root_device");
  drive.is_read_only = BoolField(*parsed, "is_read_only");
  drive.cache_type = StringField(*parsed, "cache_type", "Unsafe");

  auto existing = machine_.drives.end();
  for (auto it = machine_.drives.begin(); it != machine_.drives.end(); ++it) {
    if (it->drive_id == id) existing = it;
  }
  if (drive.is_root_device) {
    for (const FakeDrive& other : machine_.drives) {
      if (other.is_root_device && other.drive_id != id) {
        return Fault("A root block device already exists!");
      }
    }
  }
  if (std::string error = OpenError(drive.path_on_host, !drive.is_read_only);
      !error.empty()) {
    return Fault(absl::StrCat(
        "Unable to create the block device: cannot open backing file \"",
        drive.path_on_host, "\": ", error));
  }
  if (existing != machine_.drives.end()) machine_.drives.erase(existing);
  if (drive.is_root_device) {
    machine_.drives.insert(machine_.drives.begin(), drive);
  } else {
    machine_.drives.push_back(drive);
  }
  return NoContent();
}

HttpResponse FakeFirecrackerApi::PutMachineConfig(const std::string& body) {
  absl::StatusOr<Struct> parsed = ParseJsonBody(body, MachineConfigFields());
  if (!parsed.ok()) return BadBody(parsed.status());
  uint64_t vcpus = UnsignedField(*parsed, "vcpu_count");
  uint64_t memory = UnsignedField(*parsed, "mem_size_mib");
  bool smt = BoolField(*parsed, "smt");
  if (vcpus < 1 || vcpus > kMaxVcpus || (smt && vcpus > 1 && vcpus % 2 != 0)) {
    return Fault(
        "The vCPU number is invalid! The vCPU number can only be 1 or an "
        "even number when SMT is enabled.");
  }
  if (memory == 0) return Fault("The memory size (MiB) is invalid.");
  machine_.vcpu_count = vcpus;
  machine_.mem_size_mib = memory;
  machine_.smt = smt;
  return NoContent();
}

HttpResponse FakeFirecrackerApi::PutNetworkInterface(const std::string& id,
                                                     const std::string& body) {
  if (!ValidId(id)) {
    return Fault(
        "Invalid ID. The ID must contain only alphanumeric characters and "
        "'_'.");
  }
  absl::StatusOr<Struct> parsed = ParseJsonBody(body, NetworkInterfaceFields());
  if (!parsed.ok()) return BadBody(parsed.status());
  FakeNetworkInterface iface;
  iface.iface_id = StringField(*parsed, "iface_id");
  iface.host_dev_name = StringField(*parsed, "host_dev_name");
  iface.guest_mac = StringField(*parsed, "guest_mac");
  if (iface.iface_id != id) {
    return Fault(absl::StrCat("The id from the path [", id,
                              "] does not match the id from the body [",
                              iface.iface_id, "]!"));
  }
  static const LazyRE2 kMac = {"([0-9A-Fa-f]{2}:){5}[0-9A-Fa-f]{2}"};
  if (HasField(*parsed, "guest_mac") &&
      !RE2::FullMatch(iface.guest_mac, *kMac)) {
    return BadBody(absl::InvalidArgumentError(
        absl::StrCat("invalid MAC address \"", iface.guest_mac,
                     "\" for field `guest_mac`")));
  }
  // The real one opens /dev/net/tun here (TUNSETIFF); the fake has no tap.
  for (auto& other : machine_.network_interfaces) {
    if (other.iface_id == id) {
      other = iface;
      return NoContent();
    }
  }
  machine_.network_interfaces.push_back(iface);
  return NoContent();
}

HttpResponse FakeFirecrackerApi::PutAction(const std::string& body) {
  absl::StatusOr<Struct> parsed = ParseJsonBody(body, ActionFields());
  if (!parsed.ok()) return BadBody(parsed.status());
  std::string action = StringField(*parsed, "action_type");
  HttpResponse response = NoContent();
  if (action == "InstanceStart") {
    if (started_) return Fault(kNotAfterBoot);
    if (machine_.kernel_image_path.empty()) return Fault(kNoKernel);
    started_ = true;
    pending_boot_ = machine_;
  } else if (action == "SendCtrlAltDel") {
    if (!started_) return Fault(kNotBeforeBoot);
    response.after_send = options_.on_ctrl_alt_del;
  } else if (action == "FlushMetrics") {
    if (!started_) return Fault(kNotBeforeBoot);
    return Fault("The metrics system is not initialized.");
  }
  return response;
}

HttpResponse FakeFirecrackerApi::DescribeInstance() {
  Struct info;
  auto& fields = *info.mutable_fields();
  fields["app_name"].set_string_value("Firecracker");
  fields["id"].set_string_value("anonymous-instance");
  fields["state"].set_string_value(started_ ? "Running" : "Not started");
  fields["vmm_version"].set_string_value(options_.vmm_version);
  return HttpResponse{200, "application/json", ToJson(info)};
}

HttpResponse FakeFirecrackerApi::DescribeMachineConfig() {
  Struct config;
  auto& fields = *config.mutable_fields();
  fields["vcpu_count"].set_number_value(machine_.vcpu_count);
  fields["mem_size_mib"].set_number_value(machine_.mem_size_mib);
  fields["smt"].set_bool_value(machine_.smt);
  fields["track_dirty_pages"].set_bool_value(false);
  return HttpResponse{200, "application/json", ToJson(config)};
}

}  // namespace firecracker_testing
}  // namespace perfcell
