#include "images/initramfs/specs.h"

#include <algorithm>
#include <cstdlib>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "re2/re2.h"
#include "tools/cc/status_macros.h"

namespace perfcell::initramfs {
namespace {

using ::perfcell::images::Entry;
using ::perfcell::images::Manifest;

re2::StringPiece Piece(absl::string_view s) {
  return re2::StringPiece(s.data(), s.size());
}

uint32_t Octal(const std::string& digits) {
  return static_cast<uint32_t>(std::strtoul(digits.c_str(), nullptr, 8));
}

absl::Status BadSpec(absl::string_view spec, absl::string_view form) {
  return absl::InvalidArgumentError(
      absl::StrCat("\"", spec, "\" is not of the form ", form));
}

}  // namespace

absl::StatusOr<Entry> ParseFileSpec(absl::string_view spec) {
  static const LazyRE2 kRe = {R"(([^=]+)=(.+?)(?::([0-7]{3,4}))?)"};
  std::string dest, source, mode;
  if (!RE2::FullMatch(Piece(spec), *kRe, &dest, &source, &mode)) {
    return BadSpec(spec, "DEST=SRC[:MODE]");
  }
  Entry e;
  e.set_path(dest);
  e.set_type(Entry::FILE);
  e.set_source(source);
  if (!mode.empty()) e.set_mode(Octal(mode));
  return e;
}

absl::StatusOr<Entry> ParseDirSpec(absl::string_view spec) {
  static const LazyRE2 kRe = {R"(([^=:]+)(?::([0-7]{3,4}))?)"};
  std::string dest, mode;
  if (!RE2::FullMatch(Piece(spec), *kRe, &dest, &mode)) {
    return BadSpec(spec, "DEST[:MODE]");
  }
  Entry e;
  e.set_path(dest);
  e.set_type(Entry::DIR);
  if (!mode.empty()) e.set_mode(Octal(mode));
  return e;
}

absl::StatusOr<Entry> ParseSymlinkSpec(absl::string_view spec) {
  static const LazyRE2 kRe = {R"(([^=]+)=(.+))"};
  std::string dest, target;
  if (!RE2::FullMatch(Piece(spec), *kRe, &dest, &target)) {
    return BadSpec(spec, "DEST=TARGET");
  }
  Entry e;
  e.set_path(dest);
  e.set_type(Entry::SYMLINK);
  e.set_target(target);
  return e;
}

absl::StatusOr<Entry> ParseNodeSpec(absl::string_view spec) {
  static const LazyRE2 kRe = {
      R"(([^=]+)=([cb]):([0-9]+):([0-9]+)(?::([0-7]{3,4}))?)"};
  std::string dest, kind, mode;
  uint32_t major = 0, minor = 0;
  if (!RE2::FullMatch(Piece(spec), *kRe, &dest, &kind, &major, &minor, &mode)) {
    return BadSpec(spec, "DEST=c|b:MAJOR:MINOR[:MODE]");
  }
  Entry e;
  e.set_path(dest);
  e.set_type(kind == "c" ? Entry::CHAR : Entry::BLOCK);
  e.set_major(major);
  e.set_minor(minor);
  if (!mode.empty()) e.set_mode(Octal(mode));
  return e;
}

absl::StatusOr<std::vector<RepeatedFlag>> ExtractRepeatedFlags(
    const std::vector<std::string>& names, std::vector<std::string>& args) {
  std::vector<RepeatedFlag> found;
  std::vector<std::string> rest;
  for (size_t i = 0; i < args.size(); ++i) {
    absl::string_view arg = args[i];
    if (i == 0 || arg == "--") {
      rest.insert(rest.end(), args.begin() + i,
                  arg == "--" ? args.end() : args.begin() + i + 1);
      if (arg == "--") break;
      continue;
    }
    bool matched = false;
    for (const std::string& name : names) {
      const std::string flag = absl::StrCat("--", name);
      if (arg == flag) {
        if (i + 1 >= args.size()) {
          return absl::InvalidArgumentError(
              absl::StrCat(flag, " needs a value"));
        }
        found.push_back({name, args[++i]});
        matched = true;
      } else if (absl::ConsumePrefix(&arg, absl::StrCat(flag, "="))) {
        found.push_back({name, std::string(arg)});
        matched = true;
      }
      if (matched) break;
    }
    if (!matched) rest.push_back(args[i]);
  }
  args = std::move(rest);
  return found;
}

absl::StatusOr<Manifest> ManifestFromFlags(
    const std::vector<RepeatedFlag>& flags) {
  Manifest manifest;
  for (const RepeatedFlag& flag : flags) {
    absl::StatusOr<Entry> entry;
    if (flag.name == "file") {
      entry = ParseFileSpec(flag.value);
    } else if (flag.name == "dir") {
      entry = ParseDirSpec(flag.value);
    } else if (flag.name == "symlink") {
      entry = ParseSymlinkSpec(flag.value);
    } else if (flag.name == "node") {
      entry = ParseNodeSpec(flag.value);
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown entry flag --", flag.name));
    }
    if (!entry.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--", flag.name, "=", flag.value, ": ", entry.status().message()));
    }
    *manifest.add_entry() = *std::move(entry);
  }
  return manifest;
}

}  // namespace perfcell::initramfs
