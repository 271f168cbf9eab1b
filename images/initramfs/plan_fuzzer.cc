// libFuzzer target: a manifest (text format) through the cpio writer's input
// plan (PlanArchive) and, when it is accepted, the newc writer. Built with
// clang by images/fuzz.sh; fuzz_replay_test runs the checked-in corpus
// (fuzz_corpus/plan) through the same function with gcc.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "images/initramfs/newc.h"
#include "images/initramfs/plan.h"
#include "images/manifest/manifest.pb.h"
#include "tools/cc/text_proto.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  perfcell::images::Manifest manifest;
  if (!perfcell::ParseTextProto(text, "fuzz input", &manifest).ok()) return 0;
  absl::StatusOr<std::vector<perfcell::initramfs::Member>> members =
      perfcell::initramfs::PlanArchive(manifest);
  if (!members.ok()) return 0;
  std::string cpio = perfcell::initramfs::WriteNewc(*members, {.mtime = 0});
  // Every newc archive ends with its trailer and is 4-byte aligned.
  if (cpio.size() % 4 != 0 || cpio.find("TRAILER!!!") == std::string::npos) {
    abort();
  }
  return 0;
}
