// libFuzzer target: a Content-Type line, then a multipart/form-data body,
// through MultipartBoundary and MultipartReader. The body is read three
// times, handed out by the source in pieces of 1, 3 and 1 MiB bytes: the
// parts, their headers, their contents and the outcome must not depend on
// where the reads split the body. Built with clang by tools/fuzz.sh;
// fuzz_replay_test runs the checked-in corpus (fuzz_corpus/multipart)
// through the same function with gcc.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "examples/chunkstore/multipart_parser.h"
#include "examples/chunkstore/string_source.h"

namespace {

// Returns everything the reader says about `body`: each part's headers and
// content, and how the form ended.
std::string ReadForm(absl::string_view boundary, absl::string_view body,
                     size_t step) {
  chunkstore::StringSource source{std::string(body), step};
  chunkstore::MultipartReader form(&source, boundary);
  std::string out;
  chunkstore::PartHeaders part;
  char buf[4099];
  for (int parts = 0;; ++parts) {
    absl::StatusOr<bool> more = form.NextPart(&part);
    if (!more.ok())
      return absl::StrCat(out, "error: ", more.status().message());
    if (!*more) return absl::StrCat(out, "end after ", parts, " parts");
    absl::StrAppend(&out, "part name=", part.name,
                    " filename=", part.filename.value_or("(none)"),
                    " type=", part.content_type, "\n");
    // A file part is read in big pieces, a field in small ones, as the
    // upload handler does.
    const size_t want = part.filename ? sizeof(buf) : 7;
    while (true) {
      absl::StatusOr<size_t> n = form.Read(buf, want);
      if (!n.ok()) {
        return absl::StrCat(out, "error: ", n.status().message());
      }
      if (*n == 0) break;
      if (*n > want) abort();
      out.append(buf, *n);
    }
    out.append("\n");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t newline = input.find('\n');
  if (newline == absl::string_view::npos) return 0;
  absl::StatusOr<std::string> boundary =
      chunkstore::MultipartBoundary(input.substr(0, newline));
  if (!boundary.ok()) return 0;
  if (boundary->empty()) abort();
  const absl::string_view body = input.substr(newline + 1);
  const std::string whole = ReadForm(*boundary, body, 1 << 20);
  if (ReadForm(*boundary, body, 1) != whole ||
      ReadForm(*boundary, body, 3) != whole) {
    abort();
  }
  return 0;
}
