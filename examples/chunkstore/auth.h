// PicoShare's shared-secret authentication: POST /api/auth with
// {"sharedSecretKey": "..."} sets a `sharedSecret` cookie that every other
// /api/ route requires.
//
//   Auth auth("s3cret");
//   auth.SecretFromJson(R"({"sharedSecretKey":"s3cret"})");  // "s3cret"
//   auth.SetCookieHeader();  // "sharedSecret=<token>; Path=/; HttpOnly; ..."
//   auth.IsValidToken(<token>);  // true
#ifndef PERFCELL_EXAMPLES_CHUNKSTORE_AUTH_H_
#define PERFCELL_EXAMPLES_CHUNKSTORE_AUTH_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace chunkstore {

inline constexpr absl::string_view kSessionCookie = "sharedSecret";

class Auth {
 public:
  explicit Auth(std::string shared_secret);

  // Returns the sharedSecretKey of an /api/auth JSON body. InvalidArgument
  // when the body is not a JSON object with that string field.
  static absl::StatusOr<std::string> SecretFromJson(absl::string_view json);

  // True when `secret` is the shared secret (compared in constant time).
  bool IsSharedSecret(absl::string_view secret) const;

  // True when `token` is the value of a cookie this server handed out. The
  // token derives from the secret alone, so it survives a restart.
  bool IsValidToken(absl::string_view token) const;

  // The Set-Cookie value answered to a successful /api/auth.
  std::string SetCookieHeader() const;

 private:
  std::string secret_;
  std::string token_;
};

}  // namespace chunkstore

#endif  // PERFCELL_EXAMPLES_CHUNKSTORE_AUTH_H_
