#include "contract/kernel_cmdline.h"

#include <arpa/inet.h>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "contract/guest_layout.h"
#include "re2/re2.h"

namespace perfcell::contract {
namespace {

absl::Status Malformed(absl::string_view value, absl::string_view problem) {
  return absl::InvalidArgumentError(
      absl::StrCat(kNetKey, "=\"", value, "\": ", problem,
                   " (expected <ip>/<prefix>[,<gateway>], e.g. "
                   "10.0.2.15/24,10.0.2.2)"));
}

// The address in host byte order, or nullopt when `text` is not a dotted
// IPv4 address.
std::optional<uint32_t> ParseIpv4(const std::string& text) {
  in_addr addr;
  if (inet_pton(AF_INET, text.c_str(), &addr) != 1) return std::nullopt;
  return ntohl(addr.s_addr);
}

}  // namespace

std::optional<std::string> KernelArgument(absl::string_view cmdline,
                                          absl::string_view key) {
  std::optional<std::string> value;
  for (absl::string_view word :
       absl::StrSplit(cmdline, absl::ByAnyChar(" \t\n"), absl::SkipEmpty())) {
    if (word.size() > key.size() && word.substr(0, key.size()) == key &&
        word[key.size()] == '=') {
      value = std::string(word.substr(key.size() + 1));
    }
  }
  return value;
}

std::string NetValue(const GuestNetwork& net) {
  std::string value = absl::StrCat(net.address, "/", net.prefix_length);
  if (!net.gateway.empty()) absl::StrAppend(&value, ",", net.gateway);
  return value;
}

std::string NetArgument(const GuestNetwork& net) {
  return absl::StrCat(kNetKey, "=", NetValue(net));
}

absl::StatusOr<GuestNetwork> ParseNetValue(absl::string_view value) {
  static const LazyRE2 kNet = {R"(([0-9.]+)/(\d{1,2})(?:,([0-9.]+))?)"};
  GuestNetwork net;
  std::string gateway;
  if (!RE2::FullMatch(re2::StringPiece(value.data(), value.size()), *kNet,
                      &net.address, &net.prefix_length, &gateway)) {
    return Malformed(value, "not an address with a prefix length");
  }
  std::optional<uint32_t> address = ParseIpv4(net.address);
  if (!address.has_value()) {
    return Malformed(
        value, absl::StrCat("\"", net.address, "\" is not an IPv4 address"));
  }
  if (net.prefix_length < 1 || net.prefix_length > 32) {
    return Malformed(value, "the prefix length must be 1..32");
  }
  if (!gateway.empty()) {
    std::optional<uint32_t> gw = ParseIpv4(gateway);
    if (!gw.has_value()) {
      return Malformed(value, absl::StrCat("the gateway \"", gateway,
                                           "\" is not an IPv4 address"));
    }
    const uint32_t mask =
        net.prefix_length == 32
            ? 0xFFFFFFFFu
            : ~((uint32_t{1} << (32 - net.prefix_length)) - 1);
    if ((*gw & mask) != (*address & mask) || *gw == *address) {
      return Malformed(value, absl::StrCat("the gateway \"", gateway,
                                           "\" is not another address of the "
                                           "interface's subnet"));
    }
    net.gateway = gateway;
  }
  return net;
}

absl::StatusOr<std::optional<GuestNetwork>> NetworkFromCommandLine(
    absl::string_view cmdline) {
  std::optional<std::string> value = KernelArgument(cmdline, kNetKey);
  if (!value.has_value()) return std::nullopt;
  absl::StatusOr<GuestNetwork> net = ParseNetValue(*value);
  if (!net.ok()) return net.status();
  return std::optional<GuestNetwork>(*std::move(net));
}

}  // namespace perfcell::contract
