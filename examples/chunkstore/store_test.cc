#include "examples/chunkstore/store.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"

namespace chunkstore {
namespace {

std::string NewDbPath() {
  std::string tmpl = absl::StrCat(getenv("TEST_TMPDIR"), "/db-XXXXXX");
  return absl::StrCat(mkdtemp(tmpl.data()), "/store.db");
}

EntryInfo Info(const std::string& name) {
  EntryInfo info;
  info.filename = name;
  info.content_type = "text/plain";
  info.note = "n";
  info.upload_time = absl::FromUnixSeconds(1700000000);
  info.expiration_time = absl::FromUnixSeconds(1800000000);
  return info;
}

class StoreTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    path_ = NewDbPath();
    StoreOptions options;
    options.single_transaction_uploads = GetParam();
    store_ = *Store::Open(path_, options);
  }
  TableCounts Counts() { return *store_->Counts(); }

  std::string path_;
  std::unique_ptr<Store> store_;
};

TEST_P(StoreTest, CommittedEntryReadsBack) {
  {
    auto writer = *store_->NewEntryWriter("id1");
    ASSERT_TRUE(writer->AppendChunk("abcd").ok());
    ASSERT_TRUE(writer->AppendChunk("efgh").ok());
    ASSERT_TRUE(writer->AppendChunk("ij").ok());
    ASSERT_TRUE(writer->Commit(Info("f.txt")).ok());
  }
  absl::StatusOr<EntryInfo> entry = store_->GetEntry("id1");
  ASSERT_TRUE(entry.ok()) << entry.status();
  EXPECT_EQ(entry->filename, "f.txt");
  EXPECT_EQ(entry->content_type, "text/plain");
  EXPECT_EQ(entry->note, "n");
  EXPECT_EQ(entry->size, 10);
  EXPECT_EQ(entry->chunk_size, 4);
  EXPECT_EQ(entry->expiration_time, absl::FromUnixSeconds(1800000000));
  std::string data;
  ASSERT_TRUE(store_->ReadChunks("id1", 1, 2, &data).ok());
  EXPECT_EQ(data, "efghij");
  EXPECT_EQ(store_->ReadChunks("id1", 2, 5, &data).code(),
            absl::StatusCode::kDataLoss);
  EXPECT_EQ(store_->GetEntry("nope").status().code(),
            absl::StatusCode::kNotFound);
}

TEST_P(StoreTest, UncommittedWriterLeavesNothing) {
  {
    auto writer = *store_->NewEntryWriter("id2");
    ASSERT_TRUE(writer->AppendChunk("abcd").ok());
    ASSERT_TRUE(writer->AppendChunk("efgh").ok());
  }
  EXPECT_EQ(Counts().chunks, 0);
  EXPECT_EQ(Counts().entries, 0);
  EXPECT_EQ(store_->GetEntry("id2").status().code(),
            absl::StatusCode::kNotFound);
}

TEST_P(StoreTest, DeleteAndClear) {
  for (const char* id : {"a", "b"}) {
    auto writer = *store_->NewEntryWriter(id);
    ASSERT_TRUE(writer->AppendChunk(std::string(100000, 'x')).ok());
    ASSERT_TRUE(writer->Commit(Info(id)).ok());
  }
  ASSERT_TRUE(store_->RecordDownload("a", absl::Now(), "127.0.0.1").ok());
  ASSERT_TRUE(store_->DeleteEntry("a").ok());
  EXPECT_EQ(store_->DeleteEntry("a").code(), absl::StatusCode::kNotFound);
  TableCounts counts = Counts();
  EXPECT_EQ(counts.entries, 1);
  EXPECT_EQ(counts.chunks, 1);
  EXPECT_EQ(counts.downloads, 0);
  ASSERT_TRUE(store_->Clear().ok());
  counts = Counts();
  EXPECT_EQ(counts.entries + counts.chunks + counts.downloads, 0);
  struct stat st;
  ASSERT_EQ(stat(path_.c_str(), &st), 0);
  EXPECT_LT(st.st_size, 100000);
}

INSTANTIATE_TEST_SUITE_P(Transactions, StoreTest, ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool>& info) {
                           return info.param ? "PerUpload" : "PerChunk";
                         });

TEST(StoreOpen, RemovesChunksOfUploadsThatNeverCommitted) {
  const std::string path = NewDbPath();
  {
    std::unique_ptr<Store> store = *Store::Open(path, {});
    auto writer = *store->NewEntryWriter("orphan");
    ASSERT_TRUE(writer->AppendChunk("abcd").ok());
    EXPECT_EQ(store->Counts()->chunks, 1);
    // Simulates a crash: the writer's cleanup never runs (kept reachable
    // from a static, so LeakSanitizer does not call it a leak).
    static std::vector<std::unique_ptr<EntryWriter>>* abandoned =
        new std::vector<std::unique_ptr<EntryWriter>>;
    abandoned->push_back(std::move(writer));
  }
  std::unique_ptr<Store> reopened = *Store::Open(path, {});
  EXPECT_EQ(reopened->Counts()->chunks, 0);
}

TEST(StoreOpen, ReportsAnUnusablePath) {
  absl::StatusOr<std::unique_ptr<Store>> store =
      Store::Open("/nonexistent/dir/store.db", {});
  EXPECT_FALSE(store.ok());
  EXPECT_NE(store.status().message().find("/nonexistent/dir/store.db"),
            std::string::npos);
}

}  // namespace
}  // namespace chunkstore

namespace chunkstore {
namespace {

// The documented stand-in for a full disk: SQLite's max_page_count.
TEST(StoreFull, FullUploadKeepsNoChunksLaterUploadsWorkAndReopenWorks) {
  const std::string path = NewDbPath();
  StoreOptions options;
  options.max_page_count = 300;  // 1.2 MB with 4 KiB pages
  std::unique_ptr<Store> store = *Store::Open(path, options);
  const std::string chunk(64 * 1024, 'x');
  {
    auto writer = *store->NewEntryWriter("big");
    absl::Status status;
    for (int i = 0; i < 100 && status.ok(); ++i) {
      status = writer->AppendChunk(chunk);
    }
    EXPECT_EQ(status.code(), absl::StatusCode::kResourceExhausted) << status;
  }  // aborted: its chunks go
  EXPECT_EQ(store->Counts()->chunks, 0);
  {
    auto writer = *store->NewEntryWriter("small");
    ASSERT_TRUE(writer->AppendChunk(chunk).ok());
    ASSERT_TRUE(writer->Commit(Info("s")).ok());
  }
  store.reset();
  store = *Store::Open(path, options);
  EXPECT_EQ(store->Counts()->entries, 1);
  EXPECT_EQ(store->Counts()->chunks, 1);
}

TEST(StoreFull, OpensAFullDatabaseWithOrphansAndRemovesThem) {
  const std::string path = NewDbPath();
  StoreOptions options;
  options.max_page_count = 300;
  { auto store = *Store::Open(path, options); }
  // A crash mid-upload: chunks without an entry, up to a full database.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_exec(db, "PRAGMA max_page_count=300", nullptr, nullptr, nullptr);
  int rc = SQLITE_OK;
  for (int i = 0; i < 100 && rc == SQLITE_OK; ++i) {
    std::string sql =
        absl::StrCat("INSERT INTO entries_data VALUES ('crashed', ", i,
                     ", zeroblob(65536))");
    rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr);
  }
  EXPECT_EQ(rc, SQLITE_FULL);
  sqlite3_close(db);
  absl::StatusOr<std::unique_ptr<Store>> store = Store::Open(path, options);
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_EQ((*store)->Counts()->chunks, 0);
  auto writer = *(*store)->NewEntryWriter("after");
  EXPECT_TRUE(writer->AppendChunk(std::string(64 * 1024, 'y')).ok());
  EXPECT_TRUE(writer->Commit(Info("a")).ok());
}

}  // namespace
}  // namespace chunkstore
