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

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "proto/guest.pb.h"

namespace perfcell {

struct PayloadSpec {
  std::string binary;                    // host path of the server executable
  std::vector<std::string> server_args;  // after the binary in argv
  std::vector<std::string> server_env;   // "NAME=value"
  uint32_t server_port = 4001;
  uint32_t metrics_port = 4002;
  double ready_timeout_seconds = 120;
};

// Where things go inside the guest (the payload disk is mounted at /payload).
inline constexpr char kPayloadMount[] = "/payload";
inline constexpr char kDataMount[] = "/data";

// The GuestConfig the init reads: QEMU user-mode network address, data disk
// at /dev/vdc on /data, the server started via lib/<interpreter>.
absl::StatusOr<GuestConfig> PayloadGuestConfig(
    const PayloadSpec& spec, const std::string& interpreter_name);

// The mkext4 manifest (protobuf text format) of the payload image.
absl::StatusOr<std::string> PayloadManifest(const PayloadSpec& spec);

}  // namespace perfcell

#endif  // PERFCELL_IMAGES_PAYLOAD_PAYLOAD_MANIFEST_H_
