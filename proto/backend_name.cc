#include "proto/backend_name.h"

#include "absl/strings/ascii.h"
#include "absl/strings/strip.h"

namespace perfcell {

std::string BackendName(int backend) {
  if (!Backend_IsValid(backend) || backend == BACKEND_UNSPECIFIED) return "";
  return absl::AsciiStrToLower(absl::StripPrefix(
      Backend_Name(static_cast<Backend>(backend)), "BACKEND_"));
}

Backend BackendFromName(absl::string_view name) {
  for (int b = Backend_MIN; b <= Backend_MAX; ++b) {
    if (b != BACKEND_UNSPECIFIED && Backend_IsValid(b) &&
        BackendName(b) == name) {
      return static_cast<Backend>(b);
    }
  }
  return BACKEND_UNSPECIFIED;
}

}  // namespace perfcell
