// Reads a protobuf message in text format from a file.
//
//   Manifest manifest;
//   RETURN_IF_ERROR(ReadTextProto("image.textproto", &manifest));
//
// A syntax error, an unknown field or a bad value gives one InvalidArgument
// error naming the file, the message type and the (1-based) line and column
// of the first problem:
//   cannot parse "/x/image.textproto" as perfcell.images.Manifest (text
//   format): line 2 column 9: Message type "perfcell.ext4.Entry" has no field
//   named "nope".
#ifndef PERFCELL_TOOLS_CC_TEXT_PROTO_H_
#define PERFCELL_TOOLS_CC_TEXT_PROTO_H_

#include <string>

#include "absl/status/status.h"
#include "google/protobuf/message.h"

namespace perfcell {

// Replaces `*message` with the text-format content of the file `path`.
// When the file cannot be read, ReadFile's error (NotFound when it does not
// exist), which names it; InvalidArgument as above when it does not parse,
// and `*message` is then unspecified.
absl::Status ReadTextProto(const std::string& path,
                           google::protobuf::Message* message);

// Replaces `*message` with the text-format `text`; errors as above, with
// `what` (e.g. "--branches") in place of the file name.
absl::Status ParseTextProto(const std::string& text, const std::string& what,
                            google::protobuf::Message* message);

}  // namespace perfcell

#endif  // PERFCELL_TOOLS_CC_TEXT_PROTO_H_
