#include "tools/cc/text_proto.h"

#include "absl/strings/str_cat.h"
#include "google/protobuf/io/tokenizer.h"
#include "google/protobuf/text_format.h"
#include "tools/cc/atomic_file.h"

namespace perfcell {
namespace {

// Keeps the parser's first error with its (1-based) position.
class FirstError : public google::protobuf::io::ErrorCollector {
 public:
  void AddError(int line, google::protobuf::io::ColumnNumber column,
                const std::string& message) override {
    if (!seen_) {
      seen_ = true;
      line_ = line + 1;
      column_ = column + 1;
      message_ = message;
    }
  }

  bool seen() const { return seen_; }
  int line() const { return line_; }
  int column() const { return column_; }
  const std::string& message() const { return message_; }

 private:
  bool seen_ = false;
  int line_ = 0;
  int column_ = 0;
  std::string message_;
};

}  // namespace

absl::Status ReadTextProto(const std::string& path,
                           google::protobuf::Message* message) {
  absl::StatusOr<std::string> text = ReadFile(path);
  if (!text.ok()) return text.status();
  return ParseTextProto(*text, absl::StrCat("\"", path, "\""), message);
}

absl::Status ParseTextProto(const std::string& text, const std::string& what,
                            google::protobuf::Message* message) {
  google::protobuf::TextFormat::Parser parser;
  FirstError error;
  parser.RecordErrorsTo(&error);
  if (parser.ParseFromString(text, message)) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(
      "cannot parse ", what, " as ", message->GetDescriptor()->full_name(),
      " (text format): ",
      error.seen() ? absl::StrCat("line ", error.line(), " column ",
                                  error.column(), ": ", error.message())
                   : std::string("unknown parse error")));
}

}  // namespace perfcell
