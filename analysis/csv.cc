#include "analysis/csv.h"

#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"

namespace perfcell::analysis {

std::string CsvField(absl::string_view value) {
  if (value.find_first_of(",\"\r\n") == absl::string_view::npos) {
    return std::string(value);
  }
  return "\"" + absl::StrReplaceAll(value, {{"\"", "\"\""}}) + "\"";
}

std::string CsvRow(const std::vector<std::string>& fields) {
  return absl::StrJoin(fields, ",",
                       [](std::string* out, const std::string& field) {
                         out->append(CsvField(field));
                       }) +
         "\r\n";
}

}  // namespace perfcell::analysis
