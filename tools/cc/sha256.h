// SHA-256 digests as lowercase hex, for provenance and content checks.
//
//   Sha256 h;
//   h.Update("abc");
//   h.HexDigest();  //
//   "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
#ifndef PERFCELL_TOOLS_CC_SHA256_H_
#define PERFCELL_TOOLS_CC_SHA256_H_

#include <openssl/evp.h>

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace perfcell {

// Incremental SHA-256 over any number of Update() calls.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void Update(absl::string_view data);
  void Update(const void* data, size_t size);
  // Returns the digest of everything passed so far, as 64 hex digits.
  // The object can't be updated afterwards.
  std::string HexDigest();

 private:
  EVP_MD_CTX* ctx_;
};

// Returns the hex SHA-256 of a whole file, read in blocks.
absl::StatusOr<std::string> Sha256OfFile(const std::string& path);

}  // namespace perfcell

#endif  // PERFCELL_TOOLS_CC_SHA256_H_
