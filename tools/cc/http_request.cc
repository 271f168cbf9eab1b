#include "tools/cc/http_request.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "re2/re2.h"

namespace perfcell {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string UrlDecode(absl::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else if (c == '%' && i + 2 < text.size() && HexValue(text[i + 1]) >= 0 &&
               HexValue(text[i + 2]) >= 0) {
      out.push_back(static_cast<char>(HexValue(text[i + 1]) * 16 +
                                      HexValue(text[i + 2])));
      i += 2;
    } else {
      out.push_back(c);
    }
  }
  return out;
}

absl::StatusOr<HttpRequest> ParseRequestHead(absl::string_view head) {
  static const LazyRE2 kRequestLine = {R"(([A-Z]+) ([^ ]+) HTTP/1\.([01]))"};
  // Field names are RFC 9110 tokens; values keep inner whitespace.
  static const LazyRE2 kHeaderLine = {
      R"(([!#$%&'*+.^_`|~0-9A-Za-z-]+):[ \t]*(.*?)[ \t]*)"};

  std::vector<absl::string_view> lines = absl::StrSplit(head, '\n');
  HttpRequest req;
  std::string version;
  absl::string_view first = absl::StripSuffix(lines[0], "\r");
  if (!RE2::FullMatch(re2::StringPiece(first.data(), first.size()),
                      *kRequestLine, &req.method, &req.target, &version)) {
    return absl::InvalidArgumentError(
        absl::StrCat("malformed request line: \"", first.substr(0, 200), "\""));
  }
  req.minor_version = version == "0" ? 0 : 1;
  for (size_t i = 1; i < lines.size(); ++i) {
    absl::string_view line = absl::StripSuffix(lines[i], "\r");
    if (line.find_first_of(absl::string_view("\r\0", 2)) !=
        absl::string_view::npos) {
      return absl::InvalidArgumentError(
          "header line with a bare CR or a NUL in it");
    }
    std::string name, value;
    if (!RE2::FullMatch(re2::StringPiece(line.data(), line.size()),
                        *kHeaderLine, &name, &value)) {
      return absl::InvalidArgumentError(
          absl::StrCat("malformed header line: \"", line.substr(0, 200), "\""));
    }
    absl::AsciiStrToLower(&name);
    req.headers.emplace_back(std::move(name), std::move(value));
  }
  absl::string_view target = req.target;
  size_t question = target.find('?');
  if (question != absl::string_view::npos) {
    req.query = std::string(target.substr(question + 1));
    target = target.substr(0, question);
  }
  req.path = UrlDecode(target, /*plus_is_space=*/false);
  return req;
}

std::optional<absl::string_view> HttpRequest::Header(
    absl::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (absl::EqualsIgnoreCase(key, name)) return absl::string_view(value);
  }
  return std::nullopt;
}

std::optional<std::string> HttpRequest::QueryParam(
    absl::string_view name) const {
  for (absl::string_view pair : absl::StrSplit(query, '&', absl::SkipEmpty())) {
    std::pair<absl::string_view, absl::string_view> kv =
        absl::StrSplit(pair, absl::MaxSplits('=', 1));
    if (UrlDecode(kv.first, true) == name) return UrlDecode(kv.second, true);
  }
  return std::nullopt;
}

std::optional<std::string> HttpRequest::Cookie(absl::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (key != "cookie") continue;
    for (absl::string_view item : absl::StrSplit(value, ';')) {
      std::pair<absl::string_view, absl::string_view> kv = absl::StrSplit(
          absl::StripAsciiWhitespace(item), absl::MaxSplits('=', 1));
      if (kv.first == name) {
        return std::string(
            absl::StripSuffix(absl::StripPrefix(kv.second, "\""), "\""));
      }
    }
  }
  return std::nullopt;
}

bool HttpRequest::KeepAlive() const {
  std::string connection =
      absl::AsciiStrToLower(Header("connection").value_or(""));
  bool close = false;
  bool keep_alive = false;
  for (absl::string_view token : absl::StrSplit(connection, ',')) {
    token = absl::StripAsciiWhitespace(token);
    close |= token == "close";
    keep_alive |= token == "keep-alive";
  }
  if (close) return false;
  return minor_version >= 1 || keep_alive;
}

}  // namespace perfcell
