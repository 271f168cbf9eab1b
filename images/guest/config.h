// Reading what the guest is told to do: the kernel command line and the
// GuestConfig on the payload disk.
//
//   PayloadDevice("console=ttyS0 perfcell.payload=/dev/vdc quiet")
//     -> "/dev/vdc"   ("/dev/vdb" when the parameter is absent)
//   absl::StatusOr<GuestConfig> c =
//       LoadGuestConfig("/payload/perfcell/guest.textproto");
#ifndef PERFCELL_IMAGES_GUEST_CONFIG_H_
#define PERFCELL_IMAGES_GUEST_CONFIG_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "proto/guest.pb.h"

namespace perfcell::guest {

inline constexpr char kDefaultPayloadDevice[] = "/dev/vdb";
inline constexpr char kConfigPathInPayload[] = "perfcell/guest.textproto";
inline constexpr double kDefaultReadyTimeoutSeconds = 60;

// The value of `perfcell.payload=` on a kernel command line, or
// kDefaultPayloadDevice.
std::string PayloadDevice(absl::string_view cmdline);

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
