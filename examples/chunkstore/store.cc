#include "examples/chunkstore/store.h"

#include <sqlite3.h>

#include <cstdio>
#include <utility>

#include "absl/strings/str_cat.h"
#include "examples/chunkstore/expiration.h"
#include "tools/cc/status_macros.h"

namespace chunkstore {
namespace {

constexpr int kBusyTimeoutMs = 60 * 1000;
constexpr size_t kMaxIdleConnections = 8;

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS entries (
  id TEXT PRIMARY KEY,
  filename TEXT,
  content_type TEXT,
  upload_time TEXT,
  expiration_time TEXT,
  note TEXT
);
CREATE TABLE IF NOT EXISTS entries_data (
  id TEXT,
  chunk_index INTEGER,
  chunk BLOB,
  PRIMARY KEY (id, chunk_index)
);
CREATE TABLE IF NOT EXISTS downloads (
  entry_id TEXT,
  download_time TEXT,
  client_ip TEXT
);
)sql";

// Turns a SQLite result code into a Status that keeps SQLite's message.
absl::Status SqliteError(sqlite3* db, int rc, absl::string_view what) {
  std::string message = absl::StrCat(
      what, ": ", db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc),
      " (SQLite code ", rc, ")");
  switch (rc & 0xff) {
    case SQLITE_FULL:
      return absl::ResourceExhaustedError(message);
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return absl::UnavailableError(message);
    default:
      return absl::InternalError(message);
  }
}

// A prepared statement, finalized on scope exit.
class Statement {
 public:
  Statement() = default;
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  absl::Status Prepare(sqlite3* db, absl::string_view sql) {
    db_ = db;
    int rc = sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()),
                                &stmt_, nullptr);
    if (rc != SQLITE_OK) return SqliteError(db, rc, "prepare");
    return absl::OkStatus();
  }
  void Bind(int i, absl::string_view text) {
    sqlite3_bind_text(stmt_, i, text.data(), static_cast<int>(text.size()),
                      SQLITE_TRANSIENT);
  }
  void Bind(int i, int64_t value) { sqlite3_bind_int64(stmt_, i, value); }
  // Returns true when a row is available, false when done.
  absl::StatusOr<bool> Step(absl::string_view what) {
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    return SqliteError(db_, rc, what);
  }
  std::string Text(int col) {
    const unsigned char* p = sqlite3_column_text(stmt_, col);
    return p == nullptr ? "" : reinterpret_cast<const char*>(p);
  }
  int64_t Int(int col) { return sqlite3_column_int64(stmt_, col); }
  sqlite3_stmt* get() { return stmt_; }

 private:
  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
};

absl::Status Exec(sqlite3* db, const char* sql) {
  char* error = nullptr;
  int rc = sqlite3_exec(db, sql, nullptr, nullptr, &error);
  if (rc == SQLITE_OK) return absl::OkStatus();
  std::string message = error != nullptr ? error : sqlite3_errstr(rc);
  sqlite3_free(error);
  absl::Status status = SqliteError(nullptr, rc, sql);
  return absl::Status(status.code(), absl::StrCat(sql, ": ", message,
                                                  " (SQLite code ", rc, ")"));
}

absl::Time ParseStoredTime(const std::string& text) {
  absl::Time t;
  std::string error;
  if (!absl::ParseTime(absl::RFC3339_full, text, &t, &error)) {
    return absl::UnixEpoch();
  }
  return t;
}

}  // namespace

// Borrows a pooled connection for the length of one operation.
class Store::Lease {
 public:
  explicit Lease(Store* store) : store_(store) {}
  ~Lease() {
    if (db_ != nullptr) store_->Release(db_);
  }
  absl::Status Acquire() {
    ASSIGN_OR_RETURN(db_, store_->Acquire());
    return absl::OkStatus();
  }
  sqlite3* db() const { return db_; }

 private:
  Store* store_;
  sqlite3* db_ = nullptr;
};

// ---- EntryWriter ----

EntryWriter::EntryWriter(Store* store, sqlite3* db, std::string id,
                         bool single_txn)
    : store_(store), db_(db), id_(std::move(id)), single_txn_(single_txn) {}

EntryWriter::~EntryWriter() {
  if (!done_) Abort();
  sqlite3_finalize(insert_);
  store_->Release(db_);
}

absl::Status EntryWriter::AppendChunk(absl::string_view data) {
  if (insert_ == nullptr) {
    static constexpr absl::string_view kInsert =
        "INSERT INTO entries_data (id, chunk_index, chunk) VALUES (?, ?, ?)";
    int rc = sqlite3_prepare_v2(db_, kInsert.data(), kInsert.size(), &insert_,
                                nullptr);
    if (rc != SQLITE_OK) return SqliteError(db_, rc, "prepare chunk insert");
  }
  sqlite3_reset(insert_);
  sqlite3_bind_text(insert_, 1, id_.data(), id_.size(), SQLITE_STATIC);
  sqlite3_bind_int64(insert_, 2, next_index_);
  sqlite3_bind_blob64(insert_, 3, data.data(), data.size(), SQLITE_STATIC);
  int rc = sqlite3_step(insert_);
  sqlite3_reset(insert_);
  sqlite3_clear_bindings(insert_);
  if (rc != SQLITE_DONE) {
    return SqliteError(db_, rc,
                       absl::StrCat("insert chunk ", next_index_, " of ", id_));
  }
  ++next_index_;
  return absl::OkStatus();
}

absl::Status EntryWriter::Commit(const EntryInfo& info) {
  Statement insert;
  RETURN_IF_ERROR(insert.Prepare(
      db_,
      "INSERT INTO entries (id, filename, content_type, upload_time, "
      "expiration_time, note) VALUES (?, ?, ?, ?, ?, ?)"));
  insert.Bind(1, id_);
  insert.Bind(2, info.filename);
  insert.Bind(3, info.content_type);
  insert.Bind(4, Rfc3339Utc(info.upload_time));
  insert.Bind(5, Rfc3339Utc(info.expiration_time));
  insert.Bind(6, info.note);
  RETURN_IF_ERROR(insert.Step(absl::StrCat("insert entry ", id_)).status());
  if (single_txn_) RETURN_IF_ERROR(Exec(db_, "COMMIT"));
  done_ = true;
  return absl::OkStatus();
}

void EntryWriter::Abort() {
  done_ = true;
  absl::Status status;
  if (single_txn_) {
    if (!sqlite3_get_autocommit(db_)) status = Exec(db_, "ROLLBACK");
  } else {
    Statement del;
    status = del.Prepare(db_, "DELETE FROM entries_data WHERE id = ?");
    if (status.ok()) {
      del.Bind(1, id_);
      status = del.Step("delete partial chunks").status();
    }
  }
  if (!status.ok()) {
    // Retried before the next upload starts; failing that, the next Open()
    // removes them.
    std::fprintf(stderr, "chunkstore: could not remove partial upload %s: %s\n",
                 id_.c_str(), status.ToString().c_str());
    absl::MutexLock lock(&store_->mu_);
    store_->unremoved_uploads_.push_back(id_);
  }
}

// ---- Store ----

Store::Store(std::string path, StoreOptions options)
    : path_(std::move(path)), options_(options) {}

Store::~Store() {
  absl::MutexLock lock(&mu_);
  for (sqlite3* db : idle_) sqlite3_close_v2(db);
}

absl::StatusOr<std::unique_ptr<Store>> Store::Open(const std::string& path,
                                                   StoreOptions options) {
  std::unique_ptr<Store> store(new Store(path, options));
  Lease lease(store.get());
  RETURN_IF_ERROR(lease.Acquire());
  RETURN_IF_ERROR(Exec(lease.db(), "PRAGMA journal_mode=WAL"));
  RETURN_IF_ERROR(Exec(lease.db(), kSchema));
  // Chunks of uploads that never committed. Failing to remove them (say the
  // disk is full and the WAL cannot grow) must not stop the server from
  // starting: they are invisible, and the next start tries again.
  if (absl::Status s = Exec(lease.db(),
                            "DELETE FROM entries_data WHERE id NOT IN "
                            "(SELECT id FROM entries)");
      !s.ok()) {
    std::fprintf(stderr,
                 "chunkstore: could not remove chunks of unfinished uploads "
                 "(will retry at the next start): %s\n",
                 s.ToString().c_str());
  }
  return store;
}

absl::StatusOr<sqlite3*> Store::Acquire() {
  {
    absl::MutexLock lock(&mu_);
    if (!idle_.empty()) {
      sqlite3* db = idle_.back();
      idle_.pop_back();
      return db;
    }
  }
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path_.c_str(), &db,
                           SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  if (rc != SQLITE_OK) {
    absl::Status status =
        SqliteError(db, rc, absl::StrCat("open \"", path_, "\""));
    sqlite3_close_v2(db);
    return status;
  }
  sqlite3_busy_timeout(db, kBusyTimeoutMs);
  if (options_.max_page_count > 0) {
    std::string pragma =
        absl::StrCat("PRAGMA max_page_count=", options_.max_page_count);
    absl::Status status = Exec(db, pragma.c_str());
    if (!status.ok()) {
      sqlite3_close_v2(db);
      return status;
    }
  }
  return db;
}

void Store::Release(sqlite3* db) {
  absl::MutexLock lock(&mu_);
  if (idle_.size() < kMaxIdleConnections) {
    idle_.push_back(db);
  } else {
    sqlite3_close_v2(db);
  }
}

void Store::RetryUnremovedUploads(sqlite3* db) {
  std::vector<std::string> ids;
  {
    absl::MutexLock lock(&mu_);
    ids.swap(unremoved_uploads_);
  }
  for (const std::string& id : ids) {
    Statement del;
    absl::Status status =
        del.Prepare(db, "DELETE FROM entries_data WHERE id = ?");
    if (status.ok()) {
      del.Bind(1, id);
      status = del.Step("delete partial chunks").status();
    }
    if (!status.ok()) {
      absl::MutexLock lock(&mu_);
      unremoved_uploads_.push_back(id);
    }
  }
}

absl::StatusOr<std::unique_ptr<EntryWriter>> Store::NewEntryWriter(
    const std::string& id) {
  ASSIGN_OR_RETURN(sqlite3 * db, Acquire());
  RetryUnremovedUploads(db);
  if (options_.single_transaction_uploads) {
    absl::Status status = Exec(db, "BEGIN IMMEDIATE");
    if (!status.ok()) {
      Release(db);
      return status;
    }
  }
  return std::unique_ptr<EntryWriter>(
      new EntryWriter(this, db, id, options_.single_transaction_uploads));
}

absl::StatusOr<EntryInfo> Store::GetEntry(const std::string& id) {
  Lease lease(this);
  RETURN_IF_ERROR(lease.Acquire());
  Statement select;
  RETURN_IF_ERROR(select.Prepare(
      lease.db(),
      "SELECT filename, content_type, upload_time, expiration_time, "
      "IFNULL(note, ''), "
      "(SELECT IFNULL(SUM(LENGTH(chunk)), 0) FROM entries_data d "
      "   WHERE d.id = entries.id), "
      "IFNULL((SELECT LENGTH(chunk) FROM entries_data d "
      "   WHERE d.id = entries.id AND d.chunk_index = 0), 0) "
      "FROM entries WHERE id = ?"));
  select.Bind(1, id);
  ASSIGN_OR_RETURN(bool found, select.Step(absl::StrCat("read entry ", id)));
  if (!found) return absl::NotFoundError(absl::StrCat("no entry ", id));
  EntryInfo info;
  info.id = id;
  info.filename = select.Text(0);
  info.content_type = select.Text(1);
  info.upload_time = ParseStoredTime(select.Text(2));
  info.expiration_time = ParseStoredTime(select.Text(3));
  info.note = select.Text(4);
  info.size = select.Int(5);
  info.chunk_size = select.Int(6);
  return info;
}

absl::Status Store::ReadChunks(const std::string& id, int64_t first,
                               int64_t count, std::string* out) {
  out->clear();
  Lease lease(this);
  RETURN_IF_ERROR(lease.Acquire());
  Statement select;
  RETURN_IF_ERROR(
      select.Prepare(lease.db(),
                     "SELECT chunk_index, chunk FROM entries_data WHERE id = ? "
                     "AND chunk_index BETWEEN ? AND ? ORDER BY chunk_index"));
  select.Bind(1, id);
  select.Bind(2, first);
  select.Bind(3, first + count - 1);
  int64_t expected = first;
  while (true) {
    ASSIGN_OR_RETURN(bool row,
                     select.Step(absl::StrCat("read chunks of ", id)));
    if (!row) break;
    if (select.Int(0) != expected) break;
    const void* blob = sqlite3_column_blob(select.get(), 1);
    int size = sqlite3_column_bytes(select.get(), 1);
    out->append(static_cast<const char*>(blob), size);
    ++expected;
  }
  if (expected != first + count) {
    return absl::DataLossError(
        absl::StrCat("entry ", id, " is missing chunk ", expected));
  }
  return absl::OkStatus();
}

absl::Status Store::RecordDownload(const std::string& id, absl::Time when,
                                   const std::string& client_ip) {
  Lease lease(this);
  RETURN_IF_ERROR(lease.Acquire());
  Statement insert;
  RETURN_IF_ERROR(insert.Prepare(
      lease.db(),
      "INSERT INTO downloads (entry_id, download_time, client_ip) "
      "VALUES (?, ?, ?)"));
  insert.Bind(1, id);
  insert.Bind(2, Rfc3339Utc(when));
  insert.Bind(3, client_ip);
  return insert.Step("record download").status();
}

absl::Status Store::DeleteEntry(const std::string& id) {
  Lease lease(this);
  RETURN_IF_ERROR(lease.Acquire());
  RETURN_IF_ERROR(Exec(lease.db(), "BEGIN IMMEDIATE"));
  absl::Status status = [&]() -> absl::Status {
    bool found = false;
    for (const char* sql : {"DELETE FROM entries WHERE id = ?",
                            "DELETE FROM entries_data WHERE id = ?",
                            "DELETE FROM downloads WHERE entry_id = ?"}) {
      Statement del;
      RETURN_IF_ERROR(del.Prepare(lease.db(), sql));
      del.Bind(1, id);
      RETURN_IF_ERROR(del.Step(absl::StrCat("delete entry ", id)).status());
      if (!found && sqlite3_changes(lease.db()) == 0) {
        return absl::NotFoundError(absl::StrCat("no entry ", id));
      }
      found = true;
    }
    return absl::OkStatus();
  }();
  if (!status.ok()) {
    Exec(lease.db(), "ROLLBACK").IgnoreError();
    return status;
  }
  return Exec(lease.db(), "COMMIT");
}

absl::Status Store::Clear() {
  Lease lease(this);
  RETURN_IF_ERROR(lease.Acquire());
  RETURN_IF_ERROR(Exec(lease.db(),
                       "BEGIN IMMEDIATE; DELETE FROM entries_data; "
                       "DELETE FROM entries; DELETE FROM downloads; COMMIT"));
  RETURN_IF_ERROR(Exec(lease.db(), "VACUUM"));
  Statement checkpoint;
  RETURN_IF_ERROR(
      checkpoint.Prepare(lease.db(), "PRAGMA wal_checkpoint(TRUNCATE)"));
  ASSIGN_OR_RETURN(bool row, checkpoint.Step("WAL checkpoint"));
  if (row && checkpoint.Int(0) != 0) {
    return absl::UnavailableError(
        "WAL checkpoint could not finish: another request is reading");
  }
  return absl::OkStatus();
}

absl::StatusOr<TableCounts> Store::Counts() {
  Lease lease(this);
  RETURN_IF_ERROR(lease.Acquire());
  Statement select;
  RETURN_IF_ERROR(select.Prepare(lease.db(),
                                 "SELECT (SELECT COUNT(*) FROM entries), "
                                 "(SELECT COUNT(*) FROM entries_data), "
                                 "(SELECT COUNT(*) FROM downloads)"));
  ASSIGN_OR_RETURN(bool row, select.Step("count rows"));
  TableCounts counts;
  if (row) {
    counts.entries = select.Int(0);
    counts.chunks = select.Int(1);
    counts.downloads = select.Int(2);
  }
  return counts;
}

}  // namespace chunkstore
