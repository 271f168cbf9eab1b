// The reference side of http_layer_bench: chunkstore's storage work (auth
// cookie, multipart upload streamed into 320 KiB chunk INSERTs, download
// chunk by chunk, a downloads row per GET) behind Debian's cpp-httplib
// instead of chunkstore's own HTTP layer. Only what the benchmark drives;
// not a server to deploy. Prints "listening on 0.0.0.0:PORT" on stderr like
// chunkstore, so the same child-process helper starts it.
//
//   httplib_store_server --port=0 --shared_secret=s --data_dir=/tmp/x
#include <algorithm>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>

#include "absl/flags/flag.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "examples/chunkstore/auth.h"
#include "examples/chunkstore/expiration.h"
#include "examples/chunkstore/store.h"
#include "examples/chunkstore/upload.h"
#include "httplib.h"
#include "tools/cc/cli_flags.h"

ABSL_FLAG(int, port, 0, "TCP port (0.0.0.0); 0 picks a free one.");
ABSL_FLAG(std::string, data_dir, ".", "Folder of store.db.");
ABSL_FLAG(std::string, shared_secret, "s", "Secret for POST /api/auth.");
ABSL_FLAG(int64_t, chunk_size, 327680, "Bytes per entries_data chunk.");

namespace {

using chunkstore::Auth;
using chunkstore::EntryInfo;
using chunkstore::EntryWriter;
using chunkstore::Store;

void Error(httplib::Response& res, int status, absl::string_view message) {
  res.status = status;
  res.set_content(std::string(message), "text/plain; charset=utf-8");
}

bool HasCookie(const httplib::Request& req, const Auth& auth) {
  const std::string cookies = req.get_header_value("Cookie");
  const std::string prefix = absl::StrCat(chunkstore::kSessionCookie, "=");
  for (absl::string_view c : absl::StrSplit(cookies, ';')) {
    c = absl::StripAsciiWhitespace(c);
    if (absl::ConsumePrefix(&c, prefix) && auth.IsValidToken(c)) return true;
  }
  return false;
}

void Upload(Store* store, int64_t chunk_size, const Auth& auth,
            const httplib::Request& req, httplib::Response& res,
            const httplib::ContentReader& reader) {
  if (!HasCookie(req, auth)) return Error(res, 401, "unauthorized");
  const absl::Time start = absl::Now();
  std::optional<std::string> expiration_text;
  if (req.has_param("expiration")) {
    expiration_text = req.get_param_value("expiration");
  }
  absl::StatusOr<absl::Time> expiration =
      chunkstore::ParseExpiration(expiration_text, start);
  if (!expiration.ok()) return Error(res, 400, expiration.status().message());
  if (!req.is_multipart_form_data()) return Error(res, 400, "not multipart");
  const std::string id = chunkstore::NewEntryId();
  absl::StatusOr<std::unique_ptr<EntryWriter>> writer =
      store->NewEntryWriter(id);
  if (!writer.ok()) return Error(res, 500, writer.status().message());
  EntryInfo info;
  bool in_file = false, seen_file = false;
  std::string chunk;
  chunk.reserve(chunk_size);
  absl::Status status;
  auto receive = [&](const char* data, size_t n) {
    if (!in_file) return true;
    while (n > 0) {
      const size_t take = std::min<size_t>(n, chunk_size - chunk.size());
      chunk.append(data, take);
      data += take;
      n -= take;
      if (static_cast<int64_t>(chunk.size()) == chunk_size) {
        status = (*writer)->AppendChunk(chunk);
        if (!status.ok()) return false;
        chunk.clear();
      }
    }
    return true;
  };
  const bool read = reader(
      [&](const httplib::MultipartFormData& part) {
        in_file = part.name == "file" && !seen_file;
        if (in_file) {
          seen_file = true;
          info.filename = part.filename;
          info.content_type = part.content_type.empty()
                                  ? "application/octet-stream"
                                  : part.content_type;
        }
        return true;
      },
      receive);
  if (!status.ok()) return Error(res, 500, status.message());
  if (!read || !seen_file) return Error(res, 400, "malformed upload");
  if (!chunk.empty()) {
    status = (*writer)->AppendChunk(chunk);
    if (!status.ok()) return Error(res, 500, status.message());
  }
  info.upload_time = start;
  info.expiration_time = *expiration;
  status = (*writer)->Commit(info);
  if (!status.ok()) return Error(res, 500, status.message());
  res.set_content(absl::StrCat("{\"id\":\"", id, "\"}\n"), "application/json");
}

void Download(Store* store, const httplib::Request& req,
              httplib::Response& res) {
  const std::string id = req.matches[1];
  absl::StatusOr<EntryInfo> entry = store->GetEntry(id);
  if (!entry.ok()) return Error(res, 404, entry.status().message());
  absl::Status recorded =
      store->RecordDownload(id, absl::Now(), req.remote_addr);
  if (!recorded.ok()) return Error(res, 500, recorded.message());
  const int64_t chunk_size = std::max<int64_t>(1, entry->chunk_size);
  res.set_header("Content-Disposition", absl::StrCat("attachment; filename=\"",
                                                     entry->filename, "\""));
  auto data = std::make_shared<std::string>();
  res.set_content_provider(
      entry->size, entry->content_type,
      [store, id, chunk_size, data](size_t offset, size_t,
                                    httplib::DataSink& sink) {
        const int64_t index = offset / chunk_size;
        if (!store->ReadChunks(id, index, 1, data.get()).ok()) return false;
        const size_t skip = offset - index * chunk_size;
        return sink.write(data->data() + skip, data->size() - skip);
      });
}

}  // namespace

int main(int argc, char** argv) {
  if (auto exit =
          perfcell::ParseCliFlags(argc, argv, "httplib_store_server",
                                  "chunkstore's storage behind cpp-httplib, "
                                  "for http_layer_bench only.")) {
    return *exit;
  }
  absl::StatusOr<std::unique_ptr<Store>> store =
      Store::Open(absl::StrCat(absl::GetFlag(FLAGS_data_dir), "/store.db"), {});
  if (!store.ok()) {
    std::fprintf(stderr, "httplib_store_server: %s\n",
                 store.status().ToString().c_str());
    return 1;
  }
  const Auth auth(absl::GetFlag(FLAGS_shared_secret));
  const int64_t chunk_size = absl::GetFlag(FLAGS_chunk_size);
  Store* s = store->get();
  httplib::Server server;
  server.Get("/api/health",
             [](const httplib::Request&, httplib::Response& res) {
               res.set_content("ok", "text/plain");
             });
  server.Post("/api/auth", [&auth](const httplib::Request& req,
                                   httplib::Response& res) {
    absl::StatusOr<std::string> secret = Auth::SecretFromJson(req.body);
    if (!secret.ok() || !auth.IsSharedSecret(*secret)) {
      return Error(res, 401, "incorrect shared secret");
    }
    res.set_header("Set-Cookie", auth.SetCookieHeader());
  });
  server.Post("/api/entry",
              [&](const httplib::Request& req, httplib::Response& res,
                  const httplib::ContentReader& reader) {
                Upload(s, chunk_size, auth, req, res, reader);
              });
  server.Get(R"(/-([A-Za-z0-9]+))",
             [s](const httplib::Request& req, httplib::Response& res) {
               Download(s, req, res);
             });
  const int port =
      absl::GetFlag(FLAGS_port) == 0
          ? server.bind_to_any_port("0.0.0.0")
          : (server.bind_to_port("0.0.0.0", absl::GetFlag(FLAGS_port))
                 ? absl::GetFlag(FLAGS_port)
                 : -1);
  if (port < 0) {
    std::fprintf(stderr, "httplib_store_server: cannot bind\n");
    return 1;
  }
  std::fprintf(stderr, "httplib_store_server: listening on 0.0.0.0:%d\n", port);
  server.listen_after_bind();
  return 0;
}
