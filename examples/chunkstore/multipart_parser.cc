#include "examples/chunkstore/multipart_parser.h"

#include <algorithm>
#include <cstring>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "re2/re2.h"

namespace chunkstore {
namespace {

constexpr size_t kBufferSize = 64 * 1024;

absl::Status Truncated() {
  return absl::InvalidArgumentError(
      "multipart body ended before its closing boundary");
}

// Undoes the quoting of a quoted-string parameter value ("a\"b" -> a"b).
std::string Unquote(absl::string_view value) {
  value = absl::StripAsciiWhitespace(value);
  if (value.size() < 2 || value.front() != '"' || value.back() != '"') {
    return std::string(value);
  }
  value = value.substr(1, value.size() - 2);
  std::string out;
  for (size_t i = 0; i < value.size(); ++i) {
    if (value[i] == '\\' && i + 1 < value.size()) ++i;
    out.push_back(value[i]);
  }
  return out;
}

// Returns the parameters of a header value such as
// `form-data; name="file"; filename="a.txt"`, names lowercased.
std::vector<std::pair<std::string, std::string>> HeaderParams(
    absl::string_view value) {
  static const LazyRE2 kParam = {
      R"(;\s*([^=;\s]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;]*))"};
  std::vector<std::pair<std::string, std::string>> params;
  re2::StringPiece input(value.data(), value.size());
  std::string name, raw;
  while (RE2::FindAndConsume(&input, *kParam, &name, &raw)) {
    params.emplace_back(absl::AsciiStrToLower(name), Unquote(raw));
  }
  return params;
}

}  // namespace

absl::StatusOr<std::string> MultipartBoundary(absl::string_view content_type) {
  absl::string_view media_type = absl::StripAsciiWhitespace(
      content_type.substr(0, content_type.find(';')));
  if (!absl::EqualsIgnoreCase(media_type, "multipart/form-data")) {
    return absl::InvalidArgumentError(
        absl::StrCat("expected a multipart/form-data body, got Content-Type \"",
                     content_type, "\""));
  }
  for (const auto& [name, value] : HeaderParams(content_type)) {
    if (name != "boundary") continue;
    if (value.empty() || value.size() > 200) break;
    return value;
  }
  return absl::InvalidArgumentError(
      "multipart/form-data Content-Type without a boundary");
}

MultipartReader::MultipartReader(ByteSource* body, absl::string_view boundary)
    : body_(body),
      delimiter_(absl::StrCat("\r\n--", boundary)),
      buf_(kBufferSize + delimiter_.size()) {
  // A body that starts with its first boundary has no CRLF before it; a
  // virtual one lets the same delimiter search find it.
  buf_[0] = '\r';
  buf_[1] = '\n';
  end_ = 2;
}

absl::StatusOr<bool> MultipartReader::Fill() {
  if (body_ended_) return false;
  if (start_ > 0) {
    std::memmove(buf_.data(), buf_.data() + start_, end_ - start_);
    end_ -= start_;
    start_ = 0;
  }
  if (end_ == buf_.size()) return true;  // full: caller has enough to look at
  absl::StatusOr<size_t> n =
      body_->Read(buf_.data() + end_, buf_.size() - end_);
  if (!n.ok()) return n.status();
  if (*n == 0) {
    body_ended_ = true;
    return false;
  }
  end_ += *n;
  return true;
}

absl::Status MultipartReader::Ensure(size_t k) {
  while (end_ - start_ < k) {
    absl::StatusOr<bool> more = Fill();
    if (!more.ok()) return more.status();
    if (!*more) return Truncated();
  }
  return absl::OkStatus();
}

absl::StatusOr<size_t> MultipartReader::Read(char* buf, size_t n) {
  if (!in_part_) return 0;
  while (true) {
    absl::string_view pending = Pending();
    size_t pos = pending.find(delimiter_);
    size_t available;
    if (pos == 0) {
      start_ += delimiter_.size();
      in_part_ = false;
      return 0;
    } else if (pos != absl::string_view::npos) {
      available = pos;
    } else if (pending.size() >= delimiter_.size()) {
      // The delimiter may start in the last delimiter_.size()-1 bytes.
      available = pending.size() - (delimiter_.size() - 1);
    } else {
      available = 0;
    }
    if (available > 0) {
      size_t take = std::min(n, available);
      std::memcpy(buf, pending.data(), take);
      start_ += take;
      return take;
    }
    absl::StatusOr<bool> more = Fill();
    if (!more.ok()) return more.status();
    if (!*more) return Truncated();
  }
}

absl::StatusOr<bool> MultipartReader::NextPart(PartHeaders* part) {
  if (closed_) return false;
  char scratch[4096];
  while (in_part_) {
    absl::StatusOr<size_t> n = Read(scratch, sizeof(scratch));
    if (!n.ok()) return n.status();
  }
  // After a delimiter: "--" closes the form; otherwise optional padding and
  // CRLF, then the part's headers up to an empty line.
  absl::Status s = Ensure(2);
  if (!s.ok()) return s;
  if (absl::StartsWith(Pending(), "--")) {
    closed_ = true;
    return false;
  }
  // Only the first kMaxPartHeaderSize bytes after the boundary are looked
  // at, so whether a part's headers are accepted never depends on how the
  // body arrives (in one read or byte by byte).
  size_t header_end;
  while (true) {
    const absl::string_view window = Pending().substr(0, kMaxPartHeaderSize);
    // The rest of the boundary line: optional padding, then CRLF. Header
    // lines follow (maybe none), then an empty line.
    const size_t crlf = window.find("\r\n");
    if (crlf != absl::string_view::npos) {
      if (!absl::StripAsciiWhitespace(window.substr(0, crlf)).empty()) {
        return absl::InvalidArgumentError(
            "multipart: garbage after a boundary");
      }
      const size_t end = window.find("\r\n\r\n", crlf);
      if (end != absl::string_view::npos) {
        header_end = end + 4;
        break;
      }
    }
    if (window.size() == kMaxPartHeaderSize) {
      return absl::InvalidArgumentError("multipart: part headers too large");
    }
    absl::StatusOr<bool> more = Fill();
    if (!more.ok()) return more.status();
    if (!*more) return Truncated();
  }
  absl::string_view headers = Pending().substr(0, header_end);
  *part = PartHeaders();
  for (absl::string_view line : absl::StrSplit(headers, "\r\n")) {
    // Lines end in CRLF only: a bare CR or LF (or a NUL) inside one would
    // smuggle a second header into whatever stores and replays the value.
    if (line.find_first_of(absl::string_view("\r\n\0", 3)) !=
        absl::string_view::npos) {
      return absl::InvalidArgumentError(
          "multipart: a part header contains a bare CR, LF or NUL");
    }
    std::pair<absl::string_view, absl::string_view> kv =
        absl::StrSplit(line, absl::MaxSplits(':', 1));
    absl::string_view name = absl::StripAsciiWhitespace(kv.first);
    absl::string_view value = absl::StripAsciiWhitespace(kv.second);
    if (absl::EqualsIgnoreCase(name, "content-type")) {
      part->content_type = std::string(value);
    } else if (absl::EqualsIgnoreCase(name, "content-disposition")) {
      for (auto& [param, param_value] : HeaderParams(value)) {
        if (param == "name") part->name = std::move(param_value);
        if (param == "filename") part->filename = std::move(param_value);
      }
    }
  }
  start_ += header_end;
  in_part_ = true;
  return true;
}

}  // namespace chunkstore
