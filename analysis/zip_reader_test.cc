#include "analysis/zip_reader.h"

#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tools/cc/atomic_file.h"

namespace perfcell::analysis {
namespace {

std::string TempPath(const std::string& name) {
  return std::string(std::getenv("TEST_TMPDIR")) + "/" + name;
}

bool All(absl::string_view) { return true; }

void Put(std::string* out, uint64_t value, int bytes) {
  for (int i = 0; i < bytes; ++i) out->push_back(char(value >> (8 * i)));
}

// A one-entry zip64 archive of `data` (deflated) whose headers claim
// `claimed` uncompressed bytes, as a hostile or corrupt writer would.
std::string Zip64Claiming(const std::string& name, const std::string& data,
                          uint64_t claimed) {
  std::string extra;
  Put(&extra, 0x0001, 2);
  Put(&extra, 16, 2);
  Put(&extra, claimed, 8);
  Put(&extra, data.size(), 8);
  auto header = [&](bool central) {
    std::string h;
    Put(&h, central ? 0x02014b50 : 0x04034b50, 4);
    if (central) Put(&h, 45, 2);  // made by
    Put(&h, 45, 2);               // needed
    Put(&h, 0, 2);                // flags
    Put(&h, 8, 2);                // deflate
    Put(&h, 0, 2);                // time
    Put(&h, 0x21, 2);             // date
    Put(&h, 0, 4);                // crc
    Put(&h, 0xFFFFFFFF, 4);
    Put(&h, 0xFFFFFFFF, 4);
    Put(&h, name.size(), 2);
    Put(&h, extra.size(), 2);
    if (central) {
      Put(&h, 0, 2);  // comment
      Put(&h, 0, 2);  // disk
      Put(&h, 0, 2);  // internal attributes
      Put(&h, 0, 4);  // external attributes
      Put(&h, 0, 4);  // local header offset
    }
    return h + name + extra;
  };
  std::string zip = header(false) + data;
  const size_t cd_offset = zip.size();
  const std::string cd = header(true);
  zip += cd;
  Put(&zip, 0x06054b50, 4);
  Put(&zip, 0, 4);
  Put(&zip, 1, 2);
  Put(&zip, 1, 2);
  Put(&zip, cd.size(), 4);
  Put(&zip, cd_offset, 4);
  Put(&zip, 0, 2);
  return zip;
}

// Sets the 32-bit uncompressed size of every header of a small archive.
void ClaimSize(std::string* zip, uint32_t size) {
  for (size_t at = 0; (at = zip->find("PK", at)) != std::string::npos; ++at) {
    size_t field = 0;
    if (zip->compare(at, 4, "PK\x03\x04") == 0) field = at + 22;
    if (zip->compare(at, 4, "PK\x01\x02") == 0) field = at + 24;
    if (field == 0) continue;
    std::string bytes;
    Put(&bytes, size, 4);
    zip->replace(field, 4, bytes);
  }
}

TEST(ZipReader, ReadsWhatWasWritten) {
  const std::string path = TempPath("round.zip");
  ASSERT_TRUE(WriteZipFiles(path, {{"result.json", "{\"a\":1}"},
                                   {"console.log", "booted\n"}})
                  .ok());
  auto files = ReadZipFiles(path, [](absl::string_view name) {
    return absl::EndsWith(name, ".json");
  });
  ASSERT_TRUE(files.ok()) << files.status();
  ASSERT_EQ(files->size(), 1u);
  EXPECT_EQ(files->at("result.json"), "{\"a\":1}");
}

TEST(ZipReader, ReadsArchivesMadeByTheZipTool) {
  const std::string dir = TempPath("zipcli");
  std::filesystem::create_directories(dir);
  ASSERT_TRUE(WriteFileAtomically(dir + "/result.json", "{}").ok());
  const std::string command =
      "cd " + dir + " && zip -q outputs.zip result.json";
  ASSERT_EQ(std::system(command.c_str()), 0);
  auto files = ReadZipFiles(dir + "/outputs.zip", All);
  ASSERT_TRUE(files.ok()) << files.status();
  EXPECT_EQ(files->at("result.json"), "{}");
}

TEST(ZipReader, TruncatedArchiveIsDataLoss) {
  const std::string path = TempPath("truncated.zip");
  ASSERT_TRUE(
      WriteZipFiles(path, {{"result.json", std::string(5000, 'x')}}).ok());
  auto content = ReadFile(path);
  ASSERT_TRUE(content.ok());
  ASSERT_TRUE(
      WriteFileAtomically(path, content->substr(0, content->size() / 2)).ok());
  auto files = ReadZipFiles(path, All);
  EXPECT_EQ(files.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_TRUE(absl::StrContains(files.status().message(), "truncated.zip"));
}

TEST(ZipReader, GarbageIsDataLoss) {
  const std::string path = TempPath("garbage.zip");
  ASSERT_TRUE(WriteFileAtomically(path, "this is not a zip file").ok());
  EXPECT_EQ(ReadZipFiles(path, All).status().code(),
            absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace perfcell::analysis

namespace perfcell::analysis {
namespace {

TEST(ZipReader, ClaimedSizeOfTwoToTheFiftyIsRefusedNotAllocated) {
  const std::string path = TempPath("zip64_claim.zip");
  // "\x03\x00" is an empty final deflate block.
  ASSERT_TRUE(WriteFileAtomically(
                  path, Zip64Claiming("result.json", std::string("\x03\x00", 2),
                                      uint64_t{1} << 50))
                  .ok());
  auto files = ReadZipFiles(path, All);
  ASSERT_FALSE(files.ok());
  EXPECT_EQ(files.status().message(),
            absl::StrCat("result.json in ", path,
                         " expands past 256 MiB (its header claims "
                         "1125899906842624 bytes); not a perfcell result"));
}

TEST(ZipReader, ZipBombStopsAtTheCap) {
  const std::string path = TempPath("bomb.zip");
  // 3 MiB of zeros deflate to a few KiB; the headers then claim 100 bytes.
  ASSERT_TRUE(
      WriteZipFiles(path, {{"result.json", std::string(3 << 20, '\0')}}).ok());
  std::string zip = ReadFile(path).value();
  ASSERT_LT(zip.size(), 64u << 10);
  ClaimSize(&zip, 100);
  ASSERT_TRUE(WriteFileAtomically(path, zip).ok());
  auto files = ReadZipFiles(path, All, /*max_entry_bytes=*/1 << 20);
  ASSERT_FALSE(files.ok());
  EXPECT_EQ(files.status().message(),
            absl::StrCat("result.json in ", path,
                         " expands past 1 MiB; not a perfcell result"));
}

TEST(ZipReader, HonestEntryAboveTheCapIsRefusedBeforeReading) {
  const std::string path = TempPath("big.zip");
  ASSERT_TRUE(
      WriteZipFiles(path, {{"result.json", std::string(3 << 20, '\0')}}).ok());
  auto files = ReadZipFiles(path, All, /*max_entry_bytes=*/1 << 20);
  EXPECT_TRUE(absl::StrContains(files.status().message(),
                                "expands past 1 MiB (its header claims 3145728 "
                                "bytes); not a perfcell result"))
      << files.status();
}

// A bomb split over entries that each stay under the entry cap: read whole,
// 16 entries of 250 MiB held 4 GB. The entries wanted together are capped.
TEST(ZipReader, EntriesTogetherStopAtTheTotalCap) {
  const std::string path = TempPath("split_bomb.zip");
  std::map<std::string, std::string> entries;
  for (const char* dir : {"a", "b", "c", "d"}) {
    entries[absl::StrCat(dir, "/result.json")] = std::string(1 << 20, '\0');
  }
  entries["console.log"] = std::string(3 << 20, '\0');  // not wanted
  ASSERT_TRUE(WriteZipFiles(path, entries).ok());
  auto wanted = [](absl::string_view name) {
    return absl::EndsWith(name, "result.json");
  };
  // Honest headers: refused from the sizes they claim, before inflating.
  auto files = ReadZipFiles(path, wanted, /*max_entry_bytes=*/2 << 20,
                            /*max_total_bytes=*/3 << 20);
  ASSERT_FALSE(files.ok());
  EXPECT_EQ(files.status().message(),
            absl::StrCat("the entries read from ", path,
                         " expand past 3 MiB together (their headers claim "
                         "4194304 bytes or more); not a perfcell result"));
  // Headers that lie (100 bytes each) do not get past the sum: the first
  // entry that inflates to more than it claims is an error.
  std::string zip = ReadFile(path).value();
  ClaimSize(&zip, 100);
  ASSERT_TRUE(WriteFileAtomically(path, zip).ok());
  files = ReadZipFiles(path, wanted, 2 << 20, 3 << 20);
  ASSERT_FALSE(files.ok());
  EXPECT_TRUE(absl::StrContains(files.status().message(), "a/result.json"))
      << files.status();
  // Within the cap: every wanted entry, the unwanted one not counted.
  ASSERT_TRUE(WriteZipFiles(path, entries).ok());
  files = ReadZipFiles(path, wanted, 2 << 20, 4 << 20);
  ASSERT_TRUE(files.ok()) << files.status();
  EXPECT_EQ(files->size(), 4u);
}

TEST(ZipReader, FifoIsRefusedWithoutBlocking) {
  const std::string path = TempPath("fifo.zip");
  std::filesystem::remove(path);
  ASSERT_EQ(mkfifo(path.c_str(), 0600), 0);
  auto files = ReadZipFiles(path, All);
  EXPECT_TRUE(absl::StrContains(files.status().message(), "not a regular file"))
      << files.status();
}

}  // namespace
}  // namespace perfcell::analysis
