#include "images/elf/modorder.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <system_error>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "images/elf/modinfo.h"
#include "tools/cc/status_macros.h"

namespace perfcell::elf {
namespace {

namespace fs = std::filesystem;

bool IsModuleFile(const std::string& path) {
  return absl::EndsWith(path, ".ko") || IsCompressedModule(path);
}

// Module name -> path relative to `dir`, for every module file under it.
absl::StatusOr<std::map<std::string, std::string>> IndexModules(
    const std::string& dir) {
  std::error_code ec;
  fs::recursive_directory_iterator it(dir, ec), end;
  if (ec) {
    return absl::NotFoundError(absl::StrCat("cannot read modules directory \"",
                                            dir, "\": ", ec.message()));
  }
  std::vector<std::string> files;
  for (; it != end; it.increment(ec)) {
    if (ec) break;
    if (it->is_regular_file() && IsModuleFile(it->path().string())) {
      // Lexically: a module that is a symlink (Bazel's sandbox) keeps its
      // path under `dir` instead of its target's.
      files.push_back(it->path().lexically_relative(dir).string());
    }
  }
  std::sort(files.begin(), files.end());
  std::map<std::string, std::string> index;
  for (const std::string& file : files) {
    auto [pos, inserted] = index.emplace(ModuleNameFromPath(file), file);
    if (!inserted) {
      return absl::FailedPreconditionError(
          absl::StrCat("module ", pos->first, " appears twice under \"", dir,
                       "\": ", pos->second, " and ", file));
    }
  }
  return index;
}

// Names of the modules modules.builtin lists; empty when there is none.
std::set<std::string> BuiltinModules(const std::string& dir) {
  std::set<std::string> names;
  std::ifstream in(dir + "/modules.builtin");
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) names.insert(ModuleNameFromPath(line));
  }
  return names;
}

class Orderer {
 public:
  Orderer(std::string dir, std::map<std::string, std::string> index,
          std::set<std::string> builtin)
      : dir_(std::move(dir)),
        index_(std::move(index)),
        builtin_(std::move(builtin)) {}

  // Appends `name` and its dependencies (first) to order_.
  absl::Status Visit(const std::string& name, const std::string& needed_by) {
    if (done_.count(name)) return absl::OkStatus();
    auto it = index_.find(name);
    if (it == index_.end()) {
      if (builtin_.count(name)) return absl::OkStatus();
      return absl::NotFoundError(absl::StrCat(
          "module ", name, " (", needed_by, ") is neither under \"", dir_,
          "\" nor listed in its modules.builtin"));
    }
    if (std::find(path_.begin(), path_.end(), name) != path_.end()) {
      path_.push_back(name);
      return absl::FailedPreconditionError(
          absl::StrCat("modules depend on each other in a cycle: ",
                       absl::StrJoin(path_, " -> ")));
    }
    path_.push_back(name);
    ASSIGN_OR_RETURN(ModuleInfo info,
                     ReadModuleInfo(absl::StrCat(dir_, "/", it->second)));
    for (const std::string& dep : info.depends) {
      RETURN_IF_ERROR(Visit(dep, absl::StrCat("needed by ", name)));
    }
    path_.pop_back();
    done_.insert(name);
    order_.push_back(it->second);
    return absl::OkStatus();
  }

  std::vector<std::string> order() const { return order_; }

 private:
  std::string dir_;
  std::map<std::string, std::string> index_;
  std::set<std::string> builtin_;
  std::set<std::string> done_;
  std::vector<std::string> path_;  // the current chain, for cycle errors
  std::vector<std::string> order_;
};

}  // namespace

absl::StatusOr<std::vector<std::string>> OrderModules(
    const std::string& modules_dir, const std::vector<std::string>& wanted) {
  ASSIGN_OR_RETURN(auto index, IndexModules(modules_dir));
  Orderer orderer(modules_dir, std::move(index), BuiltinModules(modules_dir));
  for (std::string name : wanted) {
    std::replace(name.begin(), name.end(), '-', '_');
    RETURN_IF_ERROR(orderer.Visit(name, "wanted"));
  }
  return orderer.order();
}

}  // namespace perfcell::elf
