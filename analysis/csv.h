// RFC 4180 CSV output: fields with a comma, double quote, CR or LF are
// quoted, and double quotes inside are doubled. Lines end in CRLF.
//
//   CsvRow({"upload", "say \"hi\"", "a,b"});
//   // upload,"say ""hi""","a,b"\r\n
#ifndef PERFCELL_ANALYSIS_CSV_H_
#define PERFCELL_ANALYSIS_CSV_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace perfcell::analysis {

// One field, quoted only when it needs to be.
std::string CsvField(absl::string_view value);

// A whole record terminated by CRLF.
std::string CsvRow(const std::vector<std::string>& fields);

}  // namespace perfcell::analysis

#endif  // PERFCELL_ANALYSIS_CSV_H_
