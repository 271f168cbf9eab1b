#include "analysis/result_loader.h"

#include <sys/stat.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <set>
#include <system_error>
#include <tuple>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "analysis/invocations.h"
#include "analysis/zip_reader.h"
#include "contract/result_files.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/message_differencer.h"
#include "proto/backend_name.h"
#include "tools/cc/atomic_file.h"
#include "tools/cc/status_macros.h"

namespace perfcell::analysis {
namespace {

namespace fs = std::filesystem;

constexpr absl::string_view kPb = kResultPbFile;
constexpr absl::string_view kJson = kResultJsonFile;
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
  ASSIGN_OR_RETURN(auto files,
                   ReadZipFiles(path, IsResultName, kMaxResultBytes));
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

// "FIFO", "socket", ... for a warning about a file that is not regular.
std::string FileKind(const fs::path& path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) return "unreadable file";
  if (S_ISFIFO(st.st_mode)) return "FIFO";
  if (S_ISSOCK(st.st_mode)) return "socket";
  if (S_ISCHR(st.st_mode)) return "character device";
  if (S_ISBLK(st.st_mode)) return "block device";
  return "not a regular file";
}

absl::StatusOr<std::string> ReadResultFile(const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) == 0 &&
      static_cast<uint64_t>(st.st_size) > kMaxResultBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, " is ", st.st_size,
                     " bytes, over 256 MiB; not a perfcell result"));
  }
  return ReadFile(path);  // refuses what is not a regular file
}

absl::Status Walk(const fs::path& dir, std::set<fs::path>* visited,
                  std::vector<LoadedResult>* results,
                  std::vector<std::string>* warnings) {
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
    const bool wanted =
        entry.path().filename().string() == kZip || IsResultName(path);
    if (entry.is_directory(error)) {  // follows symlinks
      RETURN_IF_ERROR(Walk(entry.path(), visited, results, warnings));
    } else if (wanted && !entry.is_regular_file(error)) {
      warnings->push_back(absl::StrCat("skipped ", path, ": ",
                                       FileKind(entry.path()),
                                       ", not a regular file"));
    } else if (entry.path().filename().string() == kZip) {
      RETURN_IF_ERROR(ReadZip(path, results));
    } else {
      names.push_back(path);
    }
  }
  for (const std::string& path : PreferredNames(names)) {
    ASSIGN_OR_RETURN(std::string content, ReadResultFile(path));
    ASSIGN_OR_RETURN(CellResult result,
                     ParseResult(content, Basename(path) == kJson, path));
    results->push_back({path, std::move(result)});
  }
  return absl::OkStatus();
}

std::string SecondsText(double seconds) {
  if (std::isnan(seconds)) return "NaN";
  if (std::isinf(seconds)) return seconds > 0 ? "Infinity" : "-Infinity";
  return absl::StrCat(seconds);
}

// Drops the successful iterations whose seconds no request can take (NaN,
// infinite, zero, negative): bytes / seconds would be a throughput of 0 or
// infinity, counted as real.
void DropImpossibleIterations(LoadedResult* loaded,
                              std::vector<std::string>* warnings) {
  auto* iterations = loaded->result.mutable_iterations();
  std::set<std::string> values;
  int dropped = 0;
  int kept = 0;
  for (int i = 0; i < iterations->size(); ++i) {
    const Iteration& it = iterations->Get(i);
    if (it.ok() && !(std::isfinite(it.seconds()) && it.seconds() > 0)) {
      ++dropped;
      values.insert(SecondsText(it.seconds()));
      continue;
    }
    if (kept != i) iterations->SwapElements(kept, i);
    ++kept;
  }
  if (dropped == 0) return;
  iterations->DeleteSubrange(kept, iterations->size() - kept);
  warnings->push_back(absl::StrCat(loaded->source, ": ", dropped,
                                   dropped == 1 ? " iteration" : " iterations",
                                   " with impossible seconds (",
                                   absl::StrJoin(values, ", "), ") ignored"));
}

// Results written before Provenance.backend_kind name their backend only in
// the deprecated string: give them the enum, so readers see one field.
void UpgradeBackend(Provenance* provenance) {
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
  if (provenance->backend_kind() == BACKEND_UNSPECIFIED) {
    provenance->set_backend_kind(BackendFromName(provenance->backend()));
  }
  provenance->clear_backend();
#pragma GCC diagnostic pop
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
  if (result.has_provenance()) UpgradeBackend(result.mutable_provenance());
  return result;
}

absl::StatusOr<LoadedTree> LoadResults(const std::string& root,
                                       const LoadOptions& options) {
  std::error_code error;
  if (!fs::is_directory(root, error)) {
    return absl::NotFoundError(
        absl::StrCat("result folder ", root, " does not exist"));
  }
  LoadedTree tree;
  std::vector<LoadedResult> found;
  std::set<fs::path> visited;
  RETURN_IF_ERROR(Walk(root, &visited, &found, &tree.warnings));
  // The same (matrix, cell, start, end, iterations) twice: the same result
  // copied (kept once) or two different results (both kept, said).
  using Identity = std::tuple<std::string, std::string, int64_t, int64_t, int>;
  std::map<Identity, std::vector<size_t>> seen;
  for (LoadedResult& r : found) {
    const Identity key =
        std::make_tuple(r.result.spec().matrix(), r.result.spec().cell(),
                        r.result.start_unix_nanos(), r.result.end_unix_nanos(),
                        r.result.iterations_size());
    std::vector<size_t>& same = seen[key];
    bool copy = false;
    for (size_t earlier : same) {
      if (google::protobuf::util::MessageDifferencer::Equals(
              tree.results[earlier].result, r.result)) {
        copy = true;
        break;
      }
    }
    if (copy) continue;
    if (!same.empty()) {
      tree.warnings.push_back(absl::StrCat(
          r.source, " and ", tree.results[same.front()].source,
          " have the same cell, times and iteration count but different "
          "content (spec or measurements); both kept"));
    }
    same.push_back(tree.results.size());
    tree.results.push_back(std::move(r));
  }
  if (tree.results.empty()) {
    return absl::NotFoundError(absl::StrCat(
        "no results found under ", root,
        " (looked for result.pb, result.json and outputs.zip, following "
        "symlinks)"));
  }
  tree.results = LatestInvocations(std::move(tree.results),
                                   options.all_invocations, &tree.warnings);
  for (LoadedResult& r : tree.results) {
    DropImpossibleIterations(&r, &tree.warnings);
  }
  return tree;
}

absl::StatusOr<std::vector<LoadedResult>> LoadResultTree(
    const std::string& root) {
  ASSIGN_OR_RETURN(LoadedTree tree, LoadResults(root, LoadOptions()));
  return std::move(tree.results);
}

}  // namespace perfcell::analysis
