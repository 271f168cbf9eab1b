#include "images/payload/payload_manifest.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "google/protobuf/text_format.h"
#include "images/elf/closure.h"
#include "images/manifest.pb.h"

namespace perfcell {
namespace {

std::string BaseName(const std::string& path) {
  std::string::size_type slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

void AddFile(images::Manifest& manifest, const std::string& path,
             const std::string& source, uint32_t mode) {
  images::Entry* e = manifest.add_entry();
  e->set_path(path);
  e->set_type(images::Entry::FILE);
  e->set_source(source);
  e->set_mode(mode);
}

}  // namespace

absl::StatusOr<GuestConfig> PayloadGuestConfig(
    const PayloadSpec& spec, const std::string& interpreter_name) {
  GuestConfig config;
  config.set_data_device("/dev/vdc");
  config.set_data_mount(kDataMount);
  // QEMU user-mode networking: the guest is 10.0.2.15/24, the host 10.0.2.2.
  NetworkConfig* net = config.mutable_network();
  net->set_interface("eth0");
  net->set_address("10.0.2.15");
  net->set_prefix_length(24);
  net->set_gateway("10.0.2.2");
  ServerCommand* server = config.mutable_server();
  std::string lib = absl::StrCat(kPayloadMount, "/lib");
  if (!interpreter_name.empty()) {
    server->add_argv(absl::StrCat(lib, "/", interpreter_name));
    server->add_argv("--library-path");
    server->add_argv(lib);
  }
  server->add_argv(absl::StrCat(kPayloadMount, "/bin/server"));
  for (const std::string& a : spec.server_args) server->add_argv(a);
  server->add_env("TMPDIR=/tmp");
  server->add_env("HOME=/data");
  for (const std::string& e : spec.server_env) {
    if (e.find('=') == std::string::npos) {
      return absl::InvalidArgumentError(absl::StrCat(
          "server environment entry \"", e, "\" is not NAME=value"));
    }
    server->add_env(e);
  }
  server->set_working_dir(kDataMount);
  server->set_port(spec.server_port);
  server->set_ready_timeout_seconds(spec.ready_timeout_seconds);
  config.set_metrics_port(spec.metrics_port);
  config.set_poweroff_on_server_exit(true);
  return config;
}

absl::StatusOr<std::string> PayloadManifest(const PayloadSpec& spec) {
  absl::StatusOr<elf::Closure> closure =
      elf::ResolveClosure(spec.binary, elf::ClosureOptions());
  if (!closure.ok()) {
    return absl::Status(
        closure.status().code(),
        absl::StrCat("finding the shared libraries of \"", spec.binary,
                     "\": ", closure.status().message()));
  }
  images::Manifest manifest;
  for (const char* dir : {"bin", "lib", "perfcell"}) {
    images::Entry* e = manifest.add_entry();
    e->set_path(dir);
    e->set_type(images::Entry::DIR);
    e->set_mode(0755);
  }
  AddFile(manifest, "bin/server", spec.binary, 0755);
  std::string interpreter;
  if (!closure->interpreter.real_path.empty()) {
    interpreter = BaseName(closure->interpreter.path);
    AddFile(manifest, absl::StrCat("lib/", interpreter),
            closure->interpreter.real_path, 0755);
  }
  std::set<std::string> seen = {interpreter};
  for (const elf::Library& l : closure->libraries) {
    if (!seen.insert(l.soname).second) continue;
    AddFile(manifest, absl::StrCat("lib/", l.soname), l.real_path, 0644);
  }
  absl::StatusOr<GuestConfig> config = PayloadGuestConfig(spec, interpreter);
  if (!config.ok()) return config.status();
  std::string config_text;
  google::protobuf::TextFormat::PrintToString(*config, &config_text);
  images::Entry* e = manifest.add_entry();
  e->set_path("perfcell/guest.textproto");
  e->set_type(images::Entry::FILE);
  e->set_content(config_text);
  e->set_mode(0644);
  std::string text;
  google::protobuf::TextFormat::PrintToString(manifest, &text);
  return text;
}

}  // namespace perfcell
