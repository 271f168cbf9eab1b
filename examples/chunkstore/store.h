// PicoShare's storage layout in SQLite (WAL mode): one `entries` row per
// file, its bytes as fixed-size chunks in `entries_data`, one `downloads` row
// per GET. Safe to use from many threads: each operation borrows its own
// SQLite connection from a small pool.
//
//   ASSIGN_OR_RETURN(std::unique_ptr<Store> store, Store::Open("/d/store.db",
//   {})); ASSIGN_OR_RETURN(std::unique_ptr<EntryWriter> w,
//   store->NewEntryWriter(id)); RETURN_IF_ERROR(w->AppendChunk(first_320_kib));
//   RETURN_IF_ERROR(w->Commit(info));  // visible from here on; without
//                                      // Commit nothing is left behind
#ifndef PERFCELL_EXAMPLES_CHUNKSTORE_STORE_H_
#define PERFCELL_EXAMPLES_CHUNKSTORE_STORE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

struct sqlite3;
struct sqlite3_stmt;

namespace chunkstore {

struct StoreOptions {
  // One transaction per upload (all chunks and the entry row commit
  // together) instead of PicoShare's one transaction per chunk.
  bool single_transaction_uploads = false;
  // When positive, the database may not grow past this many pages (SQLite's
  // max_page_count): writes beyond fail as a full disk would.
  int64_t max_page_count = 0;
};

// One file's metadata as stored in `entries`, plus sizes from its chunks.
struct EntryInfo {
  std::string id;
  std::string filename;
  std::string content_type;
  std::string note;
  absl::Time upload_time;
  absl::Time expiration_time;
  int64_t size = 0;        // total bytes (read back only)
  int64_t chunk_size = 0;  // bytes of every chunk but the last (read back only)
};

// Row counts of the three tables, for health checks and tests.
struct TableCounts {
  int64_t entries = 0;
  int64_t chunks = 0;
  int64_t downloads = 0;
};

class Store;

// Writes the chunks of one new entry. Until Commit() nothing is visible;
// destroying the writer without a successful Commit() removes every chunk it
// wrote (rollback, or a DELETE in per-chunk-transaction mode).
class EntryWriter {
 public:
  ~EntryWriter();
  EntryWriter(const EntryWriter&) = delete;
  EntryWriter& operator=(const EntryWriter&) = delete;

  // Inserts the next chunk. ResourceExhausted when the disk is full
  // (SQLITE_FULL), Internal for other SQLite errors; the message is SQLite's.
  absl::Status AppendChunk(absl::string_view data);

  // Inserts the `entries` row (info.id is ignored: the writer's id is used)
  // and makes the entry visible.
  absl::Status Commit(const EntryInfo& info);

  int64_t chunks_written() const { return next_index_; }

 private:
  friend class Store;
  EntryWriter(Store* store, sqlite3* db, std::string id, bool single_txn);
  void Abort();

  Store* store_;
  sqlite3* db_;
  std::string id_;
  bool single_txn_;
  sqlite3_stmt* insert_ = nullptr;
  int64_t next_index_ = 0;
  bool done_ = false;
};

class Store {
 public:
  // Opens (creating if needed) the database at `path` in WAL mode, creates
  // the tables, and removes chunks left by uploads that never committed
  // (e.g. the process was killed). When that removal fails (a full disk),
  // the store still opens: a line goes to stderr and the next Open retries.
  static absl::StatusOr<std::unique_ptr<Store>> Open(const std::string& path,
                                                     StoreOptions options);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // Starts writing entry `id`; see EntryWriter.
  absl::StatusOr<std::unique_ptr<EntryWriter>> NewEntryWriter(
      const std::string& id);

  // Returns entry `id`'s metadata and size. NotFound when there is none.
  absl::StatusOr<EntryInfo> GetEntry(const std::string& id);

  // Replaces `out` with chunks first..first+count-1 of `id`, concatenated,
  // read with one SELECT. DataLoss when a chunk is missing.
  absl::Status ReadChunks(const std::string& id, int64_t first, int64_t count,
                          std::string* out);

  // Adds a `downloads` row.
  absl::Status RecordDownload(const std::string& id, absl::Time when,
                              const std::string& client_ip);

  // Removes entry `id`, its chunks and its downloads. NotFound when absent.
  absl::Status DeleteEntry(const std::string& id);

  // Deletes every row of every table, then VACUUMs and truncates the WAL, so
  // the file is back to the size of an empty database.
  absl::Status Clear();

  absl::StatusOr<TableCounts> Counts();

  const std::string& path() const { return path_; }

 private:
  friend class EntryWriter;
  class Lease;

  Store(std::string path, StoreOptions options);
  absl::StatusOr<sqlite3*> Acquire();
  void Release(sqlite3* db);
  // Deletes the chunks of aborted uploads whose cleanup failed earlier.
  void RetryUnremovedUploads(sqlite3* db);

  const std::string path_;
  const StoreOptions options_;
  absl::Mutex mu_;
  std::vector<sqlite3*> idle_ ABSL_GUARDED_BY(mu_);
  std::vector<std::string> unremoved_uploads_ ABSL_GUARDED_BY(mu_);
};

}  // namespace chunkstore

#endif  // PERFCELL_EXAMPLES_CHUNKSTORE_STORE_H_
