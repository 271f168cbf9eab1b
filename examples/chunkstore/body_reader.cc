#include "examples/chunkstore/body_reader.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "re2/re2.h"

namespace chunkstore {
namespace {

constexpr size_t kMaxLineSize = 8192;

absl::Status ClosedEarly() {
  return absl::DataLossError(
      "client closed the connection before the end of the body");
}

}  // namespace

absl::StatusOr<BodyFraming> FramingOf(const perfcell::HttpRequest& req) {
  BodyFraming framing;
  if (std::optional<absl::string_view> te = req.Header("transfer-encoding")) {
    if (!absl::EqualsIgnoreCase(absl::StripAsciiWhitespace(*te), "chunked")) {
      return absl::InvalidArgumentError(
          absl::StrCat("unsupported Transfer-Encoding: ", *te));
    }
    framing.chunked = true;
    return framing;
  }
  // Every Content-Length line, and every item of a comma-separated one, must
  // agree (RFC 9112, section 6.3): two different lengths are how request
  // smuggling starts.
  std::optional<int64_t> length;
  for (const auto& [name, value] : req.headers) {
    if (name != "content-length") continue;
    for (absl::string_view item : absl::StrSplit(value, ',')) {
      item = absl::StripAsciiWhitespace(item);
      int64_t n = 0;
      if (!RE2::FullMatch(re2::StringPiece(item.data(), item.size()),
                          R"(\d{1,18})") ||
          !absl::SimpleAtoi(item, &n)) {
        return absl::InvalidArgumentError(
            absl::StrCat("malformed Content-Length: ", value));
      }
      if (length.has_value() && *length != n) {
        return absl::InvalidArgumentError(absl::StrCat(
            "conflicting Content-Length values: ", *length, " and ", n));
      }
      length = n;
    }
  }
  framing.content_length = length.value_or(0);
  return framing;
}

BodyReader::BodyReader(ByteSource* wire, BodyFraming framing,
                       std::function<absl::Status()> before_first_read)
    : wire_(wire), before_first_read_(std::move(before_first_read)) {
  if (framing.chunked) {
    state_ = State::kChunkSize;
  } else {
    remaining_ = framing.content_length;
    state_ = remaining_ > 0 ? State::kData : State::kDone;
  }
  if (state_ == State::kDone) before_first_read_ = nullptr;
}

absl::StatusOr<std::string> BodyReader::ReadLine() {
  std::string line;
  char c;
  while (true) {
    absl::StatusOr<size_t> n = wire_->Read(&c, 1);
    if (!n.ok()) return n.status();
    if (*n == 0) return ClosedEarly();
    if (c == '\n') break;
    if (line.size() >= kMaxLineSize) {
      return absl::InvalidArgumentError("chunked body: line too long");
    }
    line.push_back(c);
  }
  return std::string(absl::StripSuffix(line, "\r"));
}

absl::Status BodyReader::ReadChunkSize() {
  absl::StatusOr<std::string> line = ReadLine();
  if (!line.ok()) return line.status();
  std::string hex;
  // chunk-size [ ; chunk-ext ]
  if (!RE2::FullMatch(*line, R"(([0-9A-Fa-f]{1,15})[ \t]*(?:;.*)?)", &hex)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "chunked body: bad chunk size line \"", line->substr(0, 100), "\""));
  }
  uint64_t size = 0;
  absl::SimpleHexAtoi(hex, &size);
  remaining_ = static_cast<int64_t>(size);
  state_ = size == 0 ? State::kTrailers : State::kChunkData;
  return absl::OkStatus();
}

absl::Status BodyReader::ReadExactCrlf() {
  absl::StatusOr<std::string> line = ReadLine();
  if (!line.ok()) return line.status();
  if (!line->empty()) {
    return absl::InvalidArgumentError("chunked body: missing CRLF after chunk");
  }
  return absl::OkStatus();
}

absl::StatusOr<size_t> BodyReader::Read(char* buf, size_t n) {
  if (before_first_read_) {
    absl::Status s = before_first_read_();
    before_first_read_ = nullptr;
    if (!s.ok()) return s;
  }
  while (true) {
    switch (state_) {
      case State::kDone:
        return 0;
      case State::kChunkSize: {
        absl::Status s = ReadChunkSize();
        if (!s.ok()) return s;
        break;
      }
      case State::kChunkEnd: {
        absl::Status s = ReadExactCrlf();
        if (!s.ok()) return s;
        state_ = State::kChunkSize;
        break;
      }
      case State::kTrailers: {
        absl::StatusOr<std::string> line = ReadLine();
        if (!line.ok()) return line.status();
        if (line->empty()) state_ = State::kDone;
        break;
      }
      case State::kData:
      case State::kChunkData: {
        if (n == 0) return 0;
        size_t want = static_cast<size_t>(std::min<int64_t>(n, remaining_));
        absl::StatusOr<size_t> got = wire_->Read(buf, want);
        if (!got.ok()) return got.status();
        if (*got == 0) return ClosedEarly();
        remaining_ -= *got;
        bytes_read_ += *got;
        if (remaining_ == 0) {
          state_ = state_ == State::kData ? State::kDone : State::kChunkEnd;
        }
        return *got;
      }
    }
  }
}

bool BodyReader::DrainUpTo(int64_t limit) {
  if (finished()) return true;
  if (before_first_read_) return false;  // never asked the client for it
  char buf[16 * 1024];
  int64_t start = bytes_read_;
  while (!finished() && bytes_read_ - start <= limit) {
    absl::StatusOr<size_t> n = Read(buf, sizeof(buf));
    if (!n.ok()) return false;
  }
  return finished();
}

}  // namespace chunkstore
