#include "examples/chunkstore/auth.h"

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>

#include "absl/strings/str_cat.h"
#include "tools/cc/sha256.h"

namespace chunkstore {
namespace {

bool ConstantTimeEquals(absl::string_view a, absl::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff |= a[i] ^ b[i];
  return diff == 0;
}

}  // namespace

Auth::Auth(std::string shared_secret) : secret_(std::move(shared_secret)) {
  perfcell::Sha256 hash;
  hash.Update("chunkstore session v1\n");
  hash.Update(secret_);
  token_ = hash.HexDigest();
}

absl::StatusOr<std::string> Auth::SecretFromJson(absl::string_view json) {
  google::protobuf::Struct object;
  auto status =
      google::protobuf::util::JsonStringToMessage(std::string(json), &object);
  if (!status.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("auth body is not a JSON object: ", status.ToString()));
  }
  auto it = object.fields().find("sharedSecretKey");
  if (it == object.fields().end() ||
      it->second.kind_case() != google::protobuf::Value::kStringValue) {
    return absl::InvalidArgumentError(
        "auth body has no string field \"sharedSecretKey\"");
  }
  return it->second.string_value();
}

bool Auth::IsSharedSecret(absl::string_view secret) const {
  return ConstantTimeEquals(secret, secret_);
}

bool Auth::IsValidToken(absl::string_view token) const {
  return ConstantTimeEquals(token, token_);
}

std::string Auth::SetCookieHeader() const {
  return absl::StrCat(kSessionCookie, "=", token_,
                      "; Path=/; HttpOnly; SameSite=Strict; Max-Age=2592000");
}

}  // namespace chunkstore
