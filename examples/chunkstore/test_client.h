// Test helpers that talk to a running chunkstore the way perfcell's runner
// does: libcurl for uploads and downloads (bodies generated on the fly from a
// seed, never held whole), raw sockets for what libcurl will not send.
#ifndef PERFCELL_EXAMPLES_CHUNKSTORE_TEST_CLIENT_H_
#define PERFCELL_EXAMPLES_CHUNKSTORE_TEST_CLIENT_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace chunkstore_test {

// Returns `size` pseudo-random bytes of stream `seed`, starting at `offset`.
std::string PatternBytes(uint64_t seed, int64_t offset, int64_t size);
// Returns the hex SHA-256 of the first `size` bytes of stream `seed`.
std::string PatternSha256(uint64_t seed, int64_t size);

struct HttpResult {
  long status = 0;          // 0 when the transfer failed
  std::string error;        // libcurl's message when it failed
  std::string body;         // kept only up to 1 MiB
  int64_t body_size = 0;    // all body bytes received
  std::string body_sha256;  // of all body bytes
  std::map<std::string, std::string> headers;  // names lowercased, last wins
};

class TestClient {
 public:
  explicit TestClient(int port);
  ~TestClient();
  TestClient(const TestClient&) = delete;
  TestClient& operator=(const TestClient&) = delete;

  // POST /api/auth with {"sharedSecretKey": secret}; keeps the cookie.
  HttpResult Auth(const std::string& secret);
  // Forgets the cookie.
  void Logout() { cookie_.clear(); }

  // POST /api/entry?expiration=... with a libcurl-made multipart form whose
  // `file` field holds `size` bytes of stream `seed`. With `chunked`, libcurl
  // does not announce the size and sends Transfer-Encoding: chunked.
  // An empty `expiration` leaves the parameter out.
  HttpResult Upload(int64_t size, uint64_t seed, const std::string& expiration,
                    bool chunked = false,
                    const std::string& filename = "data.bin");

  // Any request; `body` is sent as is with `content_type`.
  HttpResult Request(const std::string& method, const std::string& target,
                     const std::string& body = "",
                     const std::string& content_type = "",
                     const std::optional<std::string>& range = std::nullopt);

  std::string base_url() const { return base_url_; }

 private:
  std::string base_url_;
  std::string cookie_;  // "sharedSecret=..." or ""
};

// Extracts the id from an upload answer {"id":"..."}, or "".
std::string IdFromJson(const std::string& body);

// Connects to 127.0.0.1:`port`, sends `data`, then (with `half_close`)
// shuts down the sending side; returns everything the server sends until it
// closes the connection.
std::string RawExchange(int port, const std::string& data, bool half_close);

// Connects, sends `data`, and closes at once (a client that goes away).
void SendAndDisconnect(int port, const std::string& data);

}  // namespace chunkstore_test

#endif  // PERFCELL_EXAMPLES_CHUNKSTORE_TEST_CLIENT_H_
