#include "images/guest/config.h"

#include <optional>

#include "absl/strings/str_cat.h"
#include "contract/guest_layout.h"
#include "contract/kernel_cmdline.h"
#include "tools/cc/status_macros.h"
#include "tools/cc/text_proto.h"

namespace perfcell::guest {
namespace {

absl::Status Invalid(absl::string_view field, absl::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", problem));
}

}  // namespace

std::string PayloadDevice(absl::string_view cmdline) {
  std::optional<std::string> device =
      contract::KernelArgument(cmdline, contract::kPayloadKey);
  if (!device.has_value() || device->empty()) return contract::kPayloadDevice;
  return *device;
}

absl::StatusOr<NetworkConfig> GuestNetwork(absl::string_view cmdline,
                                           const GuestConfig& config) {
  NetworkConfig net = config.network();
  ASSIGN_OR_RETURN(std::optional<contract::GuestNetwork> given,
                   contract::NetworkFromCommandLine(cmdline));
  if (!given.has_value()) return net;
  if (net.interface().empty()) net.set_interface(contract::kNetworkInterface);
  net.set_address(given->address);
  net.set_prefix_length(given->prefix_length);
  net.set_gateway(given->gateway);
  return net;
}

absl::Status ValidateGuestConfig(const GuestConfig& config) {
  const ServerCommand& server = config.server();
  if (server.argv().empty()) return Invalid("server.argv", "is empty");
  if (server.argv(0).empty() || server.argv(0)[0] != '/') {
    return Invalid("server.argv[0]",
                   absl::StrCat("\"", server.argv(0), "\" is not absolute"));
  }
  if (server.port() == 0 || server.port() > 65535) {
    return Invalid("server.port", "must be 1..65535");
  }
  for (const std::string& env : server.env()) {
    if (env.find('=') == std::string::npos || env[0] == '=') {
      return Invalid("server.env",
                     absl::StrCat("\"", env, "\" is not NAME=value"));
    }
  }
  if (server.ready_timeout_seconds() < 0) {
    return Invalid("server.ready_timeout_seconds", "is negative");
  }
  if (config.metrics_port() > 65535) {
    return Invalid("metrics_port", "must be 0..65535");
  }
  if (!config.data_device().empty() && config.data_mount().empty()) {
    return Invalid("data_mount", "is empty but data_device is set");
  }
  if (!config.data_mount().empty() && config.data_mount()[0] != '/') {
    return Invalid("data_mount", "is not absolute");
  }
  const NetworkConfig& net = config.network();
  if (!net.interface().empty()) {
    if (net.address().empty()) return Invalid("network.address", "is empty");
    if (net.prefix_length() > 32) {
      return Invalid("network.prefix_length", "must be 0..32");
    }
  }
  for (const std::string& module : config.modules()) {
    if (module.empty() || module[0] != '/') {
      return Invalid("modules",
                     absl::StrCat("\"", module, "\" is not an absolute path"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<GuestConfig> LoadGuestConfig(const std::string& path) {
  GuestConfig config;
  absl::Status read = ReadTextProto(path, &config);
  if (!read.ok()) {
    return absl::Status(read.code(),
                        absl::StrCat("the guest config: ", read.message()));
  }
  absl::Status valid = ValidateGuestConfig(config);
  if (!valid.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("guest config \"", path, "\": ", valid.message()));
  }
  return config;
}

}  // namespace perfcell::guest
