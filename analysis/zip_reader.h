// Reads the files inside a zip archive (the outputs.zip that `bazel test`
// leaves in bazel-testlogs/<pkg>/<target>/test.outputs/) with libzip.
//
//   absl::StatusOr<std::map<std::string, std::string>> files =
//       ReadZipFiles("bazel-testlogs/demo/cell/test.outputs/outputs.zip",
//                    [](absl::string_view name) {
//                      return absl::EndsWith(name, "result.json");
//                    });
//
// Hostile archives are refused before memory is spent on them: an entry
// whose header claims more than `max_entry_bytes` uncompressed (a zip64 size
// of 2^50), a stored entry claiming more bytes than the archive holds, and
// an entry that inflates past `max_entry_bytes` whatever it claims (a zip
// bomb) give an error naming the entry and the archive; the wanted entries
// together may not claim or inflate past `max_total_bytes` (a bomb split
// over many entries), so memory stays under that bound.
#ifndef PERFCELL_ANALYSIS_ZIP_READER_H_
#define PERFCELL_ANALYSIS_ZIP_READER_H_

#include <cstdint>
#include <functional>
#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace perfcell::analysis {

// Largest entry ReadZipFiles inflates by default: 256 MiB (a real result of
// 1.3 M iterations is 228 MB as JSON).
inline constexpr uint64_t kMaxZipEntryBytes = uint64_t{256} << 20;

// Largest total of the wanted entries of one archive by default: 1 GiB (a
// bazel outputs.zip holds one result, as JSON and binary).
inline constexpr uint64_t kMaxZipTotalBytes = uint64_t{1} << 30;

// Returns name -> content of every entry whose name `wanted` accepts.
// DataLoss naming the archive when it is truncated, corrupt (the archive's
// consistency is checked on open) or an entry fails its CRC;
// InvalidArgument "<entry> in <archive> expands past 256 MiB; not a perfcell
// result" when an entry claims or inflates to more than `max_entry_bytes`;
// InvalidArgument "the entries read from <archive> expand past 1 GiB
// together ..." when the wanted entries claim or inflate to more than
// `max_total_bytes`, checked on the claimed sizes before inflating any.
absl::StatusOr<std::map<std::string, std::string>> ReadZipFiles(
    const std::string& path,
    const std::function<bool(absl::string_view)>& wanted,
    uint64_t max_entry_bytes = kMaxZipEntryBytes,
    uint64_t max_total_bytes = kMaxZipTotalBytes);

// Writes `files` (name -> content) into a new zip archive at `path`,
// replacing it. Used by tests and the synthetic-result generator.
absl::Status WriteZipFiles(const std::string& path,
                           const std::map<std::string, std::string>& files);

}  // namespace perfcell::analysis

#endif  // PERFCELL_ANALYSIS_ZIP_READER_H_
