// The guest's kernel command line: the values of perfcell's keys
// (guest_layout.h), written by the backends and read by the guest init.
//
//   GuestNetwork net{"10.0.2.15", 24, "10.0.2.2"};
//   NetArgument(net)  -> "perfcell.net=10.0.2.15/24,10.0.2.2"
//
//   KernelArgument("console=ttyS0 perfcell.tmp=disk", kTmpKey) -> "disk"
//   ASSIGN_OR_RETURN(std::optional<GuestNetwork> net,
//                    NetworkFromCommandLine(cmdline));  // nullopt: no key
#ifndef PERFCELL_CONTRACT_KERNEL_CMDLINE_H_
#define PERFCELL_CONTRACT_KERNEL_CMDLINE_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace perfcell::contract {

// The value of `key=` on `cmdline` (words separated by white space), or
// nullopt when the key is absent. When the key appears more than once the
// last one counts, so arguments appended later override earlier ones.
//   KernelArgument("a=1 b=2 a=3", "a") -> "3"
std::optional<std::string> KernelArgument(absl::string_view cmdline,
                                          absl::string_view key);

// The IPv4 address of the guest's network interface, as perfcell.net gives
// it: address/prefix_length, and a default route via gateway unless it is
// empty.
struct GuestNetwork {
  std::string address;         // "10.0.2.15"
  uint32_t prefix_length = 0;  // 24
  std::string gateway;         // "10.0.2.2"; "" for no default route
};

// "10.0.2.15/24,10.0.2.2", or "172.16.0.2/24" without a gateway.
std::string NetValue(const GuestNetwork& net);
// "perfcell.net=" followed by NetValue(net).
std::string NetArgument(const GuestNetwork& net);

// Parses a perfcell.net value, "<ip>/<prefix>[,<gw>]". InvalidArgument,
// quoting the value, when it has another shape, an address is not a dotted
// IPv4 address, the prefix is outside 1..32, or the gateway is not in the
// address's subnet.
absl::StatusOr<GuestNetwork> ParseNetValue(absl::string_view value);

// The perfcell.net of `cmdline`: nullopt when it has none, an error (as
// ParseNetValue's, naming the key) when its value is malformed.
absl::StatusOr<std::optional<GuestNetwork>> NetworkFromCommandLine(
    absl::string_view cmdline);

}  // namespace perfcell::contract

#endif  // PERFCELL_CONTRACT_KERNEL_CMDLINE_H_
