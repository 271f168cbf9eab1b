#include "runner/vm/kvm_memo.h"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "tools/cc/atomic_file.h"

namespace perfcell {
namespace {

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? "" : v;
}

std::string Sanitize(const std::string& s) {
  std::string out;
  for (char c : s) {
    out.push_back(
        absl::ascii_isalnum(c) || c == '.' || c == '-' || c == '_' ? c : '_');
  }
  return out;
}

}  // namespace

std::string DefaultCacheDir() {
  if (!Env("PERFCELL_CACHE_DIR").empty()) return Env("PERFCELL_CACHE_DIR");
  if (!Env("XDG_CACHE_HOME").empty())
    return Env("XDG_CACHE_HOME") + "/perfcell";
  if (!Env("HOME").empty()) return Env("HOME") + "/.cache/perfcell";
  // Bazel runs tests with HOME unset: the user's home from the password
  // database.
  const passwd* pw = getpwuid(getuid());
  if (pw != nullptr && pw->pw_dir != nullptr && pw->pw_dir[0] != '\0') {
    return std::string(pw->pw_dir) + "/.cache/perfcell";
  }
  return "";
}

std::string KvmMemoPath(const std::string& cache_dir,
                        const std::string& kernel_release,
                        const std::string& qemu_version) {
  if (cache_dir.empty()) return "";
  return absl::StrCat(cache_dir, "/kvm/", Sanitize(kernel_release), "--",
                      Sanitize(qemu_version));
}

std::optional<std::string> ReadKvmMemo(const std::string& path) {
  if (path.empty()) return std::nullopt;
  absl::StatusOr<std::string> text = ReadFile(path);
  if (!text.ok()) return std::nullopt;
  std::string reason(absl::StripAsciiWhitespace(*text));
  if (reason.empty()) return std::nullopt;
  return reason;
}

absl::Status WriteKvmMemo(const std::string& path, const std::string& reason) {
  if (path.empty()) return absl::OkStatus();
  std::error_code error;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(),
                                      error);
  if (error) {
    return absl::PermissionDeniedError(absl::StrCat(
        "cannot create the directory of \"", path, "\": ", error.message()));
  }
  return WriteFileAtomically(path, reason + "\n");
}

}  // namespace perfcell
