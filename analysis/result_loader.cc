#include "analysis/result_loader.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <system_error>
#include <tuple>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "analysis/zip_reader.h"
#include "google/protobuf/util/json_util.h"
#include "tools/cc/atomic_file.h"
#include "tools/cc/status_macros.h"

namespace perfcell::analysis {
namespace {

namespace fs = std::filesystem;

constexpr absl::string_view kPb = "result.pb";
constexpr absl::string_view kJson = "result.json";
constexpr absl::string_view kZip = "outputs.zip";

std::string Dirname(absl::string_view path) {
  const size_t slash = path.rfind('/');
  return slash == absl::string_view::npos ? ""
                                          : std::string(path.substr(0, slash));
}

std::string Basename(absl::string_view path) {
  const size_t slash = path.rfind('/');
  return std::string(slash == absl::string_view::npos ? path
                                                      : path.substr(slash + 1));
}

bool IsResultName(absl::string_view path) {
  const std::string base = Basename(path);
  return base == kPb || base == kJson;
}

// Of name -> content pairs, the ones to parse: per folder, result.pb if
// present, else result.json.
std::vector<std::string> PreferredNames(const std::vector<std::string>& names) {
  std::set<std::string> dirs_with_pb;
  for (const std::string& name : names) {
    if (Basename(name) == kPb) dirs_with_pb.insert(Dirname(name));
  }
  std::vector<std::string> chosen;
  for (const std::string& name : names) {
    if (Basename(name) == kJson && dirs_with_pb.count(Dirname(name))) continue;
    if (IsResultName(name)) chosen.push_back(name);
  }
  return chosen;
}

absl::Status ReadZip(const std::string& path,
                     std::vector<LoadedResult>* results) {
  ASSIGN_OR_RETURN(auto files, ReadZipFiles(path, IsResultName));
  std::vector<std::string> names;
  for (const auto& [name, content] : files) names.push_back(name);
  for (const std::string& name : PreferredNames(names)) {
    const std::string source = absl::StrCat(path, "!", name);
    ASSIGN_OR_RETURN(CellResult result,
                     ParseResult(files[name], Basename(name) == kJson, source));
    results->push_back({source, std::move(result)});
  }
  return absl::OkStatus();
}

absl::Status Walk(const fs::path& dir, std::set<fs::path>* visited,
                  std::vector<LoadedResult>* results) {
  std::error_code error;
  const fs::path canonical = fs::canonical(dir, error);
  if (error || !visited->insert(canonical).second) return absl::OkStatus();
  std::vector<fs::directory_entry> entries;
  for (fs::directory_iterator it(dir, error), end; !error && it != end;
       it.increment(error)) {
    entries.push_back(*it);
  }
  if (error) {
    return absl::PermissionDeniedError(
        absl::StrCat("cannot list ", dir.string(), ": ", error.message()));
  }
  std::sort(entries.begin(), entries.end());
  std::vector<std::string> names;
  for (const fs::directory_entry& entry : entries) {
    const std::string path = entry.path().string();
    if (entry.is_directory(error)) {  // follows symlinks
      RETURN_IF_ERROR(Walk(entry.path(), visited, results));
    } else if (entry.path().filename().string() == kZip) {
      RETURN_IF_ERROR(ReadZip(path, results));
    } else {
      names.push_back(path);
    }
  }
  for (const std::string& path : PreferredNames(names)) {
    ASSIGN_OR_RETURN(std::string content, ReadFile(path));
    ASSIGN_OR_RETURN(CellResult result,
                     ParseResult(content, Basename(path) == kJson, path));
    results->push_back({path, std::move(result)});
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<CellResult> ParseResult(absl::string_view content, bool json,
                                       const std::string& source) {
  CellResult result;
  if (json) {
    google::protobuf::util::JsonParseOptions options;
    // A newer writer may add fields without changing the meaning of the old
    // ones (that would bump schema_version, checked below).
    options.ignore_unknown_fields = true;
    const auto status = google::protobuf::util::JsonStringToMessage(
        google::protobuf::StringPiece(content.data(), content.size()), &result,
        options);
    if (!status.ok()) {
      std::string reason(status.message());
      // protobuf's message ends in a line with a caret: keep the first line.
      reason = reason.substr(0, reason.find('\n'));
      return absl::InvalidArgumentError(
          absl::StrCat(source, ": corrupt result JSON: ", reason));
    }
  } else if (!result.ParseFromArray(content.data(), content.size())) {
    return absl::InvalidArgumentError(
        absl::StrCat(source, ": corrupt result protobuf"));
  }
  if (result.schema_version() != SCHEMA_VERSION_CURRENT) {
    return absl::FailedPreconditionError(absl::StrCat(
        source, ": result has schema_version ",
        static_cast<int>(result.schema_version()), " (",
        SchemaVersion_Name(result.schema_version()),
        "); this analysis reads only ",
        static_cast<int>(SCHEMA_VERSION_CURRENT), " (SCHEMA_VERSION_CURRENT)"));
  }
  return result;
}

absl::StatusOr<std::vector<LoadedResult>> LoadResultTree(
    const std::string& root) {
  std::error_code error;
  if (!fs::is_directory(root, error)) {
    return absl::NotFoundError(
        absl::StrCat("result folder ", root, " does not exist"));
  }
  std::vector<LoadedResult> found;
  std::set<fs::path> visited;
  RETURN_IF_ERROR(Walk(root, &visited, &found));
  // Keep the first copy of each (matrix, cell, start, end, iterations).
  std::set<std::tuple<std::string, std::string, int64_t, int64_t, int>> seen;
  std::vector<LoadedResult> results;
  for (LoadedResult& r : found) {
    const auto key =
        std::make_tuple(r.result.spec().matrix(), r.result.spec().cell(),
                        r.result.start_unix_nanos(), r.result.end_unix_nanos(),
                        r.result.iterations_size());
    if (seen.insert(key).second) results.push_back(std::move(r));
  }
  if (results.empty()) {
    return absl::NotFoundError(absl::StrCat(
        "no results found under ", root,
        " (looked for result.pb, result.json and outputs.zip, following "
        "symlinks)"));
  }
  return results;
}

}  // namespace perfcell::analysis
