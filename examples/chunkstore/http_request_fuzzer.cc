// libFuzzer target: bytes as a client would send them, through the request
// head parser (ParseRequestHead, the request's accessors) and, when the head
// is accepted, the body framing (FramingOf) and decoding (BodyReader) of what
// follows the head's empty line. Built with clang by tools/fuzz.sh;
// fuzz_replay_test runs the checked-in corpus (fuzz_corpus/http_request)
// through the same function with gcc.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "examples/chunkstore/body_reader.h"
#include "examples/chunkstore/string_source.h"
#include "tools/cc/http_request.h"

namespace {

// Reads the whole body, handing the reader buffers of a few sizes, and
// checks what it claims against what it was given.
void ReadBody(const perfcell::HttpRequest& req, absl::string_view rest) {
  absl::StatusOr<chunkstore::BodyFraming> framing = chunkstore::FramingOf(req);
  if (!framing.ok()) return;
  // The wire hands out bytes in small pieces, as a slow client would.
  chunkstore::StringSource wire(std::string(rest), 1 + rest.size() % 7);
  chunkstore::BodyReader body(&wire, *framing);
  char buf[97];
  int64_t total = 0;
  for (size_t i = 0;; ++i) {
    absl::StatusOr<size_t> n = body.Read(buf, 1 + i % sizeof(buf));
    if (!n.ok() || *n == 0) break;
    total += *n;
  }
  // Decoded bytes come from the wire: never more than it held.
  if (total != body.bytes_read() ||
      static_cast<size_t>(total) > wire.consumed() ||
      wire.consumed() > rest.size()) {
    abort();
  }
  if (body.finished() && !framing->chunked &&
      total != framing->content_length) {
    abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view input(reinterpret_cast<const char*>(data), size);
  // The server's connection cuts the head at its first empty line.
  const size_t end = input.find("\r\n\r\n");
  const absl::string_view head = input.substr(0, end);
  const absl::string_view rest =
      end == absl::string_view::npos ? "" : input.substr(end + 4);

  absl::StatusOr<perfcell::HttpRequest> req = perfcell::ParseRequestHead(head);
  if (!req.ok()) return 0;
  if (req->method.empty() || req->target.empty() ||
      (req->minor_version != 0 && req->minor_version != 1)) {
    abort();
  }
  for (const auto& [name, value] : req->headers) {
    if (name.empty() || !req->Header(name).has_value()) abort();
  }
  (void)req->Header("host");
  (void)req->Cookie("sharedSecret");
  (void)req->KeepAlive();
  (void)perfcell::UrlDecode(req->target, /*plus_is_space=*/true);
  for (absl::string_view pair : absl::StrSplit(req->query, '&')) {
    (void)req->QueryParam(pair.substr(0, pair.find('=')));
  }
  ReadBody(*req, rest);
  return 0;
}
