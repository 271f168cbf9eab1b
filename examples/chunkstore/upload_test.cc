#include "examples/chunkstore/upload.h"

#include <dirent.h>
#include <sys/stat.h>

#include <cstdlib>
#include <memory>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "examples/chunkstore/string_source.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace chunkstore {
namespace {

using ::testing::HasSubstr;

constexpr int64_t kMiB = 1 << 20;
constexpr char kType[] = "multipart/form-data; boundary=BOUND";

std::string Form(const std::string& file) {
  return absl::StrCat(
      "--BOUND\r\nContent-Disposition: form-data; name=\"file\"; "
      "filename=\"f.bin\"\r\nContent-Type: application/octet-stream\r\n\r\n",
      file, "\r\n--BOUND--\r\n");
}

std::string Pattern(int64_t n) {
  std::string s(n, '\0');
  for (int64_t i = 0; i < n; ++i)
    s[i] = static_cast<char>((i * 7 + i / 251) & 0xff);
  return s;
}

// Bytes in `dir`/multipart-* files right now.
int64_t SpilledBytes(const std::string& dir) {
  int64_t bytes = 0;
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) return 0;
  while (dirent* e = readdir(d)) {
    if (!absl::StartsWith(e->d_name, "multipart-")) continue;
    struct stat st;
    if (stat(absl::StrCat(dir, "/", e->d_name).c_str(), &st) == 0) {
      bytes += st.st_size;
    }
  }
  closedir(d);
  return bytes;
}

// The request body, watching the temporary directory as the upload reads
// it: the most spilled bytes seen at any read.
class WatchedBody : public ByteSource {
 public:
  WatchedBody(std::string body, std::string temp_dir)
      : body_(std::move(body), 64 * 1024), temp_dir_(std::move(temp_dir)) {}
  absl::StatusOr<size_t> Read(char* buf, size_t n) override {
    most_spilled_ = std::max(most_spilled_, SpilledBytes(temp_dir_));
    return body_.Read(buf, n);
  }
  int64_t most_spilled() const { return most_spilled_; }

 private:
  StringSource body_;
  std::string temp_dir_;
  int64_t most_spilled_ = 0;
};

class UploadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = absl::StrCat(
        std::getenv("TEST_TMPDIR"), "/",
        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    ASSERT_EQ(mkdir(dir_.c_str(), 0755), 0);
    temp_dir_ = dir_ + "/tmp";
    ASSERT_EQ(mkdir(temp_dir_.c_str(), 0755), 0);
    store_ = *Store::Open(dir_ + "/store.db", StoreOptions());
    options_.chunk_size = 65536;
    options_.temp_dir = temp_dir_;
  }

  // Uploads `file`; returns the most bytes spilled at once while reading.
  int64_t UploadAndReadBack(const std::string& file) {
    WatchedBody body(Form(file), temp_dir_);
    absl::StatusOr<UploadResult> r = StoreUpload(
        &body, kType, absl::Now() + absl::Hours(1), store_.get(), options_);
    EXPECT_TRUE(r.ok()) << r.status();
    if (!r.ok()) return -1;
    EXPECT_EQ(r->size, static_cast<int64_t>(file.size()));
    std::string back;
    const int64_t chunks =
        (r->size + options_.chunk_size - 1) / options_.chunk_size;
    EXPECT_TRUE(store_->ReadChunks(r->id, 0, chunks, &back).ok());
    EXPECT_EQ(back, file);
    return body.most_spilled();
  }

  std::string dir_;
  std::string temp_dir_;
  std::unique_ptr<Store> store_;
  UploadOptions options_;
};

TEST_F(UploadTest, SpillsAFileOverOneMibWholeThenDeletesIt) {
  options_.spill_multipart = true;
  // By the time the body is read to its end, the whole file (but the last
  // read) sits in the spool.
  EXPECT_GE(UploadAndReadBack(Pattern(3 * kMiB)), 3 * kMiB - 64 * 1024);
  EXPECT_GT(UploadAndReadBack(Pattern(kMiB + 200000)), kMiB);
  EXPECT_EQ(SpilledBytes(temp_dir_), 0);
}

TEST_F(UploadTest, KeepsAFileOfOneMibOrLessInMemory) {
  options_.spill_multipart = true;
  EXPECT_EQ(UploadAndReadBack(Pattern(kMiB)), 0);
  EXPECT_EQ(UploadAndReadBack(Pattern(1000)), 0);
  EXPECT_EQ(UploadAndReadBack(""), 0);
  EXPECT_EQ(SpilledBytes(temp_dir_), 0);
}

TEST_F(UploadTest, WithoutTheSwitchNothingIsSpilled) {
  EXPECT_EQ(UploadAndReadBack(Pattern(3 * kMiB)), 0);
}

TEST_F(UploadTest, UnwritableSpoolFailsNamingItAndStoresNothing) {
  options_.spill_multipart = true;
  options_.temp_dir = dir_ + "/missing";
  StringSource body(Form(Pattern(2 * kMiB)));
  absl::StatusOr<UploadResult> r = StoreUpload(
      &body, kType, absl::Now() + absl::Hours(1), store_.get(), options_);
  EXPECT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), HasSubstr(dir_ + "/missing/multipart-"));
  EXPECT_EQ(store_->Counts()->entries, 0);
}

}  // namespace
}  // namespace chunkstore
