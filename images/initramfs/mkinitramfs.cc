#include "images/initramfs/mkinitramfs.h"

#include <google/protobuf/io/tokenizer.h>
#include <google/protobuf/text_format.h>

#include <vector>

#include "absl/strings/str_cat.h"
#include "images/initramfs/gzip.h"
#include "images/initramfs/newc.h"
#include "images/initramfs/plan.h"
#include "tools/cc/atomic_file.h"
#include "tools/cc/status_macros.h"

namespace perfcell::initramfs {
namespace {

// Keeps the first parse error of a text-format file.
class FirstError : public google::protobuf::io::ErrorCollector {
 public:
  void AddError(int line, int column, const std::string& message) override {
    if (text_.empty()) {
      text_ = absl::StrCat("line ", line + 1, " column ", column + 1, ": ",
                           message);
    }
  }
  const std::string& text() const { return text_; }

 private:
  std::string text_;
};

}  // namespace

absl::StatusOr<Manifest> ReadManifest(const std::string& path) {
  ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  google::protobuf::TextFormat::Parser parser;
  FirstError errors;
  parser.RecordErrorsTo(&errors);
  Manifest manifest;
  if (!parser.ParseFromString(text, &manifest)) {
    return absl::InvalidArgumentError(
        absl::StrCat("manifest \"", path, "\": ", errors.text()));
  }
  return manifest;
}

absl::StatusOr<std::string> BuildArchive(const Manifest& manifest,
                                         const InitramfsOptions& options) {
  ASSIGN_OR_RETURN(std::vector<Member> members, PlanArchive(manifest));
  std::string cpio = WriteNewc(members, NewcOptions{options.mtime});
  if (!options.gzip) return cpio;
  return GzipDeterministic(cpio);
}

absl::Status BuildInitramfs(const Manifest& manifest,
                            const InitramfsOptions& options) {
  if (options.output.empty()) {
    return absl::InvalidArgumentError("no output file given");
  }
  ASSIGN_OR_RETURN(std::string archive, BuildArchive(manifest, options));
  return WriteFileAtomically(options.output, archive);
}

}  // namespace perfcell::initramfs
