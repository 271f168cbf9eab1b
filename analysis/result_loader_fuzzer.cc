// libFuzzer target: one input as each kind of result file the loader reads:
// a result.pb (binary protobuf), a result.json, and an outputs.zip in a
// bazel-testlogs-shaped folder, each through ParseResult (the first two) and
// LoadResults over a scratch tree. Built with clang by tools/fuzz.sh;
// fuzz_replay_test runs the checked-in corpus (fuzz_corpus/result_loader)
// through the same function with gcc.
#include <stdlib.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include "absl/strings/string_view.h"
#include "analysis/result_loader.h"

namespace {

namespace fs = std::filesystem;

// A scratch folder for the whole process, removed at exit.
const std::string& ScratchDir() {
  static const std::string* dir = [] {
    const char* base = getenv("TEST_TMPDIR");
    if (base == nullptr) base = getenv("TMPDIR");
    std::string tmpl =
        std::string(base ? base : "/tmp") + "/result_loader_fuzz-XXXXXX";
    if (mkdtemp(tmpl.data()) == nullptr) abort();
    atexit([] {
      std::error_code ignored;
      fs::remove_all(ScratchDir(), ignored);
    });
    return new std::string(tmpl);
  }();
  return *dir;
}

// Writes `content` at `relative` under the folder `tree` (made once per
// process) and loads the tree; checks what the loader promises about every
// result it returns.
void LoadAs(const std::string& tree_name, const std::string& relative,
            absl::string_view content) {
  const std::string root = ScratchDir() + "/" + tree_name;
  const fs::path file = fs::path(root) / relative;
  fs::create_directories(file.parent_path());
  // A new file each time: ext4 flushes a file truncated and rewritten.
  std::error_code ignored;
  fs::remove(file, ignored);
  std::ofstream(file, std::ios::binary)
      .write(content.data(), static_cast<std::streamsize>(content.size()));
  for (bool all : {false, true}) {
    absl::StatusOr<perfcell::analysis::LoadedTree> tree =
        perfcell::analysis::LoadResults(root, {.all_invocations = all});
    if (!tree.ok()) continue;
    if (tree->results.empty()) abort();
    for (const perfcell::analysis::LoadedResult& r : tree->results) {
      if (r.source.empty() ||
          r.result.schema_version() != perfcell::SCHEMA_VERSION_CURRENT) {
        abort();
      }
      for (const perfcell::Iteration& it : r.result.iterations()) {
        if (it.ok() && !(std::isfinite(it.seconds()) && it.seconds() > 0)) {
          abort();
        }
      }
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view content(reinterpret_cast<const char*>(data), size);
  (void)perfcell::analysis::ParseResult(content, /*json=*/false, "fuzz.pb");
  (void)perfcell::analysis::ParseResult(content, /*json=*/true, "fuzz.json");
  LoadAs("pb", "result.pb", content);
  LoadAs("json", "result.json", content);
  LoadAs("zip", "pkg/cell/test.outputs/outputs.zip", content);
  return 0;
}
