// Reading what the guest is told to do: the kernel command line and the
// GuestConfig on the payload disk (keys and paths: contract/guest_layout.h).
//
//   PayloadDevice("console=ttyS0 perfcell.payload=/dev/vdc quiet")
//     -> "/dev/vdc"   ("/dev/vdb" when the parameter is absent)
//   absl::StatusOr<GuestConfig> c =
//       LoadGuestConfig("/payload/perfcell/guest.textproto");
//   ASSIGN_OR_RETURN(NetworkConfig net, GuestNetwork(cmdline, *c));
#ifndef PERFCELL_IMAGES_GUEST_CONFIG_H_
#define PERFCELL_IMAGES_GUEST_CONFIG_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "proto/guest.pb.h"

namespace perfcell::guest {

inline constexpr double kDefaultReadyTimeoutSeconds = 60;

// The value of `perfcell.payload=` on a kernel command line, or
// contract::kPayloadDevice.
std::string PayloadDevice(absl::string_view cmdline);

// The network the init configures. With `perfcell.net=<ip>/<prefix>[,<gw>]`
// on the kernel command line (the backend knows its network; the payload
// does not): that address, prefix and gateway on config.network.interface,
// or on contract::kNetworkInterface when the config names none. Without
// it: config.network as it is (only lo when it names no interface).
// InvalidArgument, naming perfcell.net and its value, when it is malformed.
//   GuestNetwork("perfcell.net=10.0.2.15/24,10.0.2.2", config)
//     -> interface "eth0", address "10.0.2.15", prefix_length 24,
//        gateway "10.0.2.2"
absl::StatusOr<NetworkConfig> GuestNetwork(absl::string_view cmdline,
                                           const GuestConfig& config);

// Checks that `config` can be carried out: a server argv whose argv[0] is
// absolute, a server port, "NAME=value" env entries, a data_mount when a
// data_device is given, an address and a prefix of at most 32 when a network
// interface is given. InvalidArgument names the field.
absl::Status ValidateGuestConfig(const GuestConfig& config);

// Reads a GuestConfig in protobuf text format and validates it. Errors name
// the file (and the line for a syntax error).
absl::StatusOr<GuestConfig> LoadGuestConfig(const std::string& path);

}  // namespace perfcell::guest

#endif  // PERFCELL_IMAGES_GUEST_CONFIG_H_
