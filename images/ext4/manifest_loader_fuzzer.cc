// libFuzzer target: a manifest (text format) through the mkext4 manifest
// loader into an FsTree, then the tree's checks and fingerprint. Built with
// clang by images/fuzz.sh; fuzz_replay_test runs the checked-in corpus
// (fuzz_corpus/manifest_loader) through the same function with gcc.
#include <cstddef>
#include <cstdint>
#include <string>

#include "images/ext4/manifest_loader.h"
#include "images/ext4/tree.h"
#include "images/manifest/manifest.pb.h"
#include "tools/cc/text_proto.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  perfcell::images::Manifest manifest;
  if (!perfcell::ParseTextProto(text, "fuzz input", &manifest).ok()) return 0;
  perfcell::ext4::FsTree tree(perfcell::ext4::DefaultAttrs{});
  if (!perfcell::ext4::AddManifest(manifest, &tree).ok()) return 0;
  if (!tree.Validate().ok()) return 0;
  (void)tree.Fingerprint();
  (void)tree.EntryCount();
  (void)tree.DataBytes();
  return 0;
}
