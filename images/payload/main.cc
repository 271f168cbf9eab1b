// mkpayload_manifest: writes the mkext4 manifest of a branch's payload disk
// (the server, its shared libraries, the guest config). See
// payload_manifest.h.
//
//   mkpayload_manifest --binary=path/to/server --out=payload.textproto
//     --server_env=PS_SHARED_SECRET=s -- --debug_endpoints --chunk_size=65536
//
// Everything after "--" is passed to the server as is.
#include <iostream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "contract/guest_layout.h"
#include "images/payload/payload_manifest.h"
#include "tools/cc/atomic_file.h"
#include "tools/cc/cli_flags.h"
#include "tools/cc/status_macros.h"

ABSL_FLAG(std::string, binary, "", "The server executable.");
ABSL_FLAG(std::string, out, "", "Where to write the manifest.");
ABSL_FLAG(std::vector<std::string>, server_env, {}, "NAME=value entries.");
ABSL_FLAG(uint32_t, server_port, perfcell::contract::kServerPort,
          "TCP port the server listens on.");
ABSL_FLAG(uint32_t, metrics_port, perfcell::contract::kMetricsPort,
          "Guest init's metrics port.");
ABSL_FLAG(std::string, host_libraries, "",
          "sha256sum-style digests of the host's shared libraries "
          "(@host_libraries//:sha256sums): each library of the closure must "
          "be there, unchanged.");
ABSL_FLAG(std::vector<std::string>, lib_dirs, {},
          "Directories to find shared libraries in, instead of the default "
          "/lib/x86_64-linux-gnu,/usr/lib/x86_64-linux-gnu,/lib64,/lib,"
          "/usr/lib.");

namespace {

absl::StatusOr<std::string> Run(perfcell::PayloadSpec spec) {
  std::string digests_path = absl::GetFlag(FLAGS_host_libraries);
  if (!digests_path.empty()) {
    ASSIGN_OR_RETURN(std::string text, perfcell::ReadFile(digests_path));
    ASSIGN_OR_RETURN(spec.host_libraries, perfcell::ParseSha256Sums(text));
  }
  return perfcell::PayloadManifest(spec);
}

}  // namespace

int main(int argc, char** argv) {
  perfcell::PayloadSpec spec;
  if (auto exit = perfcell::ParseCliFlags(
          argc, argv, "mkpayload_manifest",
          "mkpayload_manifest --binary=PATH --out=FILE [--server_env=K=V,...] "
          "-- SERVER_ARGS...: the guest config of a branch's payload image",
          &spec.server_args)) {
    return *exit;
  }
  spec.binary = absl::GetFlag(FLAGS_binary);
  spec.server_env = absl::GetFlag(FLAGS_server_env);
  spec.server_port = absl::GetFlag(FLAGS_server_port);
  spec.metrics_port = absl::GetFlag(FLAGS_metrics_port);
  spec.lib_dirs = absl::GetFlag(FLAGS_lib_dirs);
  if (spec.binary.empty() || absl::GetFlag(FLAGS_out).empty()) {
    std::cerr << "mkpayload_manifest: --binary and --out are required\n";
    return 2;
  }
  absl::StatusOr<std::string> manifest = Run(spec);
  absl::Status s = manifest.ok() ? perfcell::WriteFileAtomically(
                                       absl::GetFlag(FLAGS_out), *manifest)
                                 : manifest.status();
  if (!s.ok()) {
    std::cerr << "mkpayload_manifest: " << s.message() << "\n";
    return 1;
  }
  return 0;
}
