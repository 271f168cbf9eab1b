#include "images/payload/payload_manifest.h"

#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/text_format.h"
#include "images/elf/closure.h"
#include "images/manifest/manifest.pb.h"
#include "tools/cc/sha256.h"
#include "tools/cc/status_macros.h"

namespace perfcell {
namespace {

std::string BaseName(const std::string& path) {
  std::string::size_type slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

images::Entry* AddFile(images::Manifest& manifest, const std::string& path,
                       const std::string& source, uint32_t mode) {
  images::Entry* e = manifest.add_entry();
  e->set_path(path);
  e->set_type(images::Entry::FILE);
  e->set_source(source);
  e->set_mode(mode);
  return e;
}

// Adds a library from the host with its sha256, checked against what
// @host_libraries recorded.
absl::Status AddLibrary(const PayloadSpec& spec, const std::string& path,
                        const std::string& source, uint32_t mode,
                        images::Manifest& manifest) {
  absl::StatusOr<std::string> digest = Sha256OfFile(source);
  if (!digest.ok()) return digest.status();
  if (spec.host_libraries.has_value() && absl::StartsWith(source, "/")) {
    auto it = spec.host_libraries->find(source);
    if (it == spec.host_libraries->end()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "shared library \"", source,
          "\" is not among the host libraries @host_libraries recorded (only "
          "its directories are: see @host_libraries//:dirs); a change to it "
          "would not rebuild the payload"));
    }
    if (it->second != *digest) {
      return absl::FailedPreconditionError(absl::StrCat(
          "shared library \"", source,
          "\" changed since @host_libraries "
          "recorded it (sha256 ",
          it->second, ", now ", *digest,
          "): run `bazel sync --only=host_libraries` and build again"));
    }
  }
  AddFile(manifest, path, source, mode)->set_sha256(*digest);
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<GuestConfig> PayloadGuestConfig(
    const PayloadSpec& spec, const std::string& interpreter_name) {
  GuestConfig config;
  config.set_data_device(contract::kDataDevice);
  config.set_data_mount(contract::kDataMount);
  ServerCommand* server = config.mutable_server();
  std::string lib = absl::StrCat(contract::kPayloadMount, "/lib");
  if (!interpreter_name.empty()) {
    server->add_argv(absl::StrCat(lib, "/", interpreter_name));
    server->add_argv("--library-path");
    server->add_argv(lib);
  }
  server->add_argv(contract::kServerInPayload);
  for (const std::string& a : spec.server_args) server->add_argv(a);
  server->add_env(absl::StrCat("TMPDIR=", contract::kTmpMount));
  server->add_env(absl::StrCat("HOME=", contract::kDataMount));
  for (const std::string& e : spec.server_env) {
    if (e.find('=') == std::string::npos) {
      return absl::InvalidArgumentError(absl::StrCat(
          "server environment entry \"", e, "\" is not NAME=value"));
    }
    server->add_env(e);
  }
  server->set_working_dir(contract::kDataMount);
  server->set_port(spec.server_port);
  server->set_ready_timeout_seconds(spec.ready_timeout_seconds);
  config.set_metrics_port(spec.metrics_port);
  config.set_poweroff_on_server_exit(true);
  return config;
}

absl::StatusOr<std::map<std::string, std::string>> ParseSha256Sums(
    const std::string& text) {
  std::map<std::string, std::string> digests;
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
    ++line_number;
    bool hex = line.size() > 66 && line.substr(64, 2) == "  ";
    for (size_t i = 0; hex && i < 64; ++i) {
      hex = absl::ascii_isxdigit(line[i]) && !absl::ascii_isupper(line[i]);
    }
    if (!hex) {
      return absl::InvalidArgumentError(
          absl::StrCat("line ", line_number,
                       " of the library digests is not "
                       "\"<sha256>  <path>\": \"",
                       line, "\""));
    }
    digests[std::string(line.substr(66))] = std::string(line.substr(0, 64));
  }
  return digests;
}

absl::StatusOr<std::string> PayloadManifest(const PayloadSpec& spec) {
  elf::ClosureOptions options;
  if (!spec.lib_dirs.empty()) options.default_dirs = spec.lib_dirs;
  absl::StatusOr<elf::Closure> closure =
      elf::ResolveClosure(spec.binary, options);
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
    RETURN_IF_ERROR(AddLibrary(spec, absl::StrCat("lib/", interpreter),
                               closure->interpreter.real_path, 0755, manifest));
  }
  std::set<std::string> seen = {interpreter};
  for (const elf::Library& l : closure->libraries) {
    if (!seen.insert(l.soname).second) continue;
    RETURN_IF_ERROR(AddLibrary(spec, absl::StrCat("lib/", l.soname),
                               l.real_path, 0644, manifest));
  }
  absl::StatusOr<GuestConfig> config = PayloadGuestConfig(spec, interpreter);
  if (!config.ok()) return config.status();
  std::string config_text;
  google::protobuf::TextFormat::PrintToString(*config, &config_text);
  images::Entry* e = manifest.add_entry();
  e->set_path(contract::kConfigPathInPayload);
  e->set_type(images::Entry::FILE);
  e->set_content(config_text);
  e->set_mode(0644);
  std::string text;
  google::protobuf::TextFormat::PrintToString(manifest, &text);
  return text;
}

}  // namespace perfcell
