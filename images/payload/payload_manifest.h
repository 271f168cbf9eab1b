// The content of a branch's payload disk, as an mkext4 manifest.
//
// A payload holds exactly what one build of the server needs and nothing the
// base image already has: the binary at bin/server, every shared library of
// its ELF closure under lib/ (the interpreter included), and the guest init's
// config at perfcell/guest.textproto, which starts the server through the
// payload's own dynamic loader so no library of the base image is used.
//
//   PayloadSpec spec;
//   spec.binary = "bazel-out/k8-fastbuild/bin/examples/chunkstore/chunkstore";
//   spec.server_args = {"--debug_endpoints"};
//   ASSIGN_OR_RETURN(std::string manifest, PayloadManifest(spec));
#ifndef PERFCELL_IMAGES_PAYLOAD_PAYLOAD_MANIFEST_H_
#define PERFCELL_IMAGES_PAYLOAD_PAYLOAD_MANIFEST_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "contract/guest_layout.h"
#include "proto/guest.pb.h"

namespace perfcell {

struct PayloadSpec {
  std::string binary;                    // host path of the server executable
  std::vector<std::string> server_args;  // after the binary in argv
  std::vector<std::string> server_env;   // "NAME=value"
  uint32_t server_port = contract::kServerPort;
  uint32_t metrics_port = contract::kMetricsPort;
  double ready_timeout_seconds = 120;
  // Directories the closure is searched in (empty: closure.h's defaults).
  std::vector<std::string> lib_dirs;
  // Real path -> sha256 of the host's shared libraries, as @host_libraries
  // recorded them (see ParseSha256Sums). When set, every library of the
  // closure outside the build must be there with the same digest.
  std::optional<std::map<std::string, std::string>> host_libraries;
};

// Parses sha256sum's output ("<64 hex>  <path>" lines) into path -> digest.
absl::StatusOr<std::map<std::string, std::string>> ParseSha256Sums(
    const std::string& text);

// The GuestConfig the init reads: data disk at /dev/vdc on /data, the
// server started via lib/<interpreter> (contract/guest_layout.h). No network
// address: the backend gives it on the kernel command line (perfcell.net),
// so one payload serves every backend.
absl::StatusOr<GuestConfig> PayloadGuestConfig(
    const PayloadSpec& spec, const std::string& interpreter_name);

// The mkext4 manifest (protobuf text format) of the payload image. Each file
// entry from outside the build (the interpreter and libraries) carries its
// sha256, so the image action is keyed on the libraries' content, and mkext4
// refuses a library that changed since. FailedPrecondition when a library
// differs from (or is missing in) `host_libraries`.
absl::StatusOr<std::string> PayloadManifest(const PayloadSpec& spec);

}  // namespace perfcell

#endif  // PERFCELL_IMAGES_PAYLOAD_PAYLOAD_MANIFEST_H_
