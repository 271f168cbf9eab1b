// A real file system filling up under the chunkstore binary: its data folder
// (and TMPDIR, where --spill_multipart copies uploads) on a small tmpfs
// mounted in this test's own mount namespace, so the kernel answers ENOSPC
// (no SQLite page limit, no fake). The upload that hits it is refused with
// 507 and leaves nothing behind; what was stored before stays readable;
// once space is back, uploads succeed again; the server restarts on that
// folder both while it is full and after.
//
// Mounting needs CAP_SYS_ADMIN in the mount namespace's user namespace:
// root, or an unprivileged user namespace. Without either the test skips,
// saying so.
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "examples/chunkstore/chunkstore_child.h"
#include "examples/chunkstore/test_client.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tools/cc/errno_status.h"

namespace {

using ::chunkstore_test::Child;
using ::chunkstore_test::CountRows;
using ::chunkstore_test::HttpResult;
using ::chunkstore_test::IdFromJson;
using ::chunkstore_test::NewDir;
using ::chunkstore_test::PatternSha256;
using ::chunkstore_test::TestClient;
using ::perfcell::ErrnoStatus;
using ::testing::HasSubstr;

constexpr char kNever[] = "2999-12-31T00:00:00Z";
constexpr int64_t kMiB = 1 << 20;
constexpr int64_t kDiskBytes = 32 * kMiB;

absl::Status WriteProcFile(const std::string& path, const std::string& text) {
  int fd = open(path.c_str(), O_WRONLY);
  if (fd < 0) return ErrnoStatus(errno, absl::StrCat("open ", path));
  const bool ok =
      write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  close(fd);
  return ok ? absl::OkStatus()
            : ErrnoStatus(errno, absl::StrCat("write ", path));
}

// Moves this process into a mount namespace of its own (inside a new user
// namespace when it lacks the privilege), with no propagation to the
// parent's, once. Mounts made afterwards vanish with the process.
absl::Status EnterPrivateMountNamespace() {
  static const absl::Status* status = [] {
    if (unshare(CLONE_NEWNS) != 0) {
      if (errno != EPERM) {
        return new absl::Status(ErrnoStatus(errno, "unshare(CLONE_NEWNS)"));
      }
      const uid_t uid = getuid();
      const gid_t gid = getgid();
      if (unshare(CLONE_NEWUSER | CLONE_NEWNS) != 0) {
        return new absl::Status(ErrnoStatus(
            errno,
            "not root, and unshare(CLONE_NEWUSER | CLONE_NEWNS) failed"));
      }
      for (const absl::Status& s :
           {WriteProcFile("/proc/self/setgroups", "deny"),
            WriteProcFile("/proc/self/uid_map",
                          absl::StrCat(uid, " ", uid, " 1")),
            WriteProcFile("/proc/self/gid_map",
                          absl::StrCat(gid, " ", gid, " 1"))}) {
        if (!s.ok()) return new absl::Status(s);
      }
    }
    if (mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) {
      return new absl::Status(ErrnoStatus(errno, "making / a private mount"));
    }
    return new absl::Status();
  }();
  return *status;
}

// Returns a new folder with a tmpfs of `bytes` mounted on it.
absl::StatusOr<std::string> MountSmallDisk(int64_t bytes) {
  absl::Status s = EnterPrivateMountNamespace();
  if (!s.ok()) return s;
  const std::string dir = NewDir();
  const std::string options = absl::StrCat("size=", bytes, ",mode=0755");
  if (mount("perfcell-full", dir.c_str(), "tmpfs", MS_NOSUID | MS_NODEV,
            options.c_str()) != 0) {
    return ErrnoStatus(errno,
                       absl::StrCat("mount -t tmpfs -o ", options, " ", dir));
  }
  return dir;
}

// Writes `path` until the file system is full; returns the bytes written.
int64_t FillUp(const std::string& path) {
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) return -1;
  const std::vector<char> block(64 * 1024, 'f');
  int64_t total = 0;
  // Big writes first, then single pages for what is left.
  for (size_t size : {block.size(), size_t{4096}, size_t{1}}) {
    while (true) {
      const ssize_t n = write(fd, block.data(), size);
      if (n <= 0) break;
      total += n;
    }
  }
  const int error = errno;
  close(fd);
  return error == ENOSPC ? total : -1;
}

std::vector<std::string> SpillFiles(const std::string& dir) {
  std::vector<std::string> found;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("multipart-", 0) == 0) found.push_back(name);
  }
  return found;
}

class DiskFull : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    absl::StatusOr<std::string> disk = MountSmallDisk(kDiskBytes);
    if (!disk.ok()) {
      GTEST_SKIP() << "cannot mount a small tmpfs to fill up, so the "
                      "disk-full behaviour is not tested here: "
                   << disk.status().message();
    }
    disk_ = *disk;
    data_ = disk_ + "/data";
    tmp_ = disk_ + "/tmp";
    std::filesystem::create_directories(data_);
    std::filesystem::create_directories(tmp_);
  }

  // Starts the server on the small disk; returns its port (0: it failed).
  int Start() {
    std::vector<std::string> args = {"--port=0", "--shared_secret=s",
                                     "--data_dir=" + data_};
    if (GetParam()) args.push_back("--spill_multipart");
    child_ = std::make_unique<Child>(
        args, std::map<std::string, std::string>{{"TMPDIR", tmp_}});
    const int port = child_->WaitListening();
    if (port != 0) {
      client_ = std::make_unique<TestClient>(port);
      if (client_->Auth("s").status != 200) return 0;
    }
    return port;
  }

  // Stops the server with SIGTERM; true when it exited with status 0.
  bool Stop() {
    client_.reset();
    const int status = child_->Terminate();
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
  }

  // Downloads entry `id` and checks it holds `size` bytes of stream `seed`.
  void ExpectEntry(const std::string& id, int64_t size, uint64_t seed) {
    HttpResult down = client_->Request("GET", "/-" + id);
    EXPECT_EQ(down.status, 200) << id;
    EXPECT_EQ(down.body_size, size) << id;
    EXPECT_EQ(down.body_sha256, PatternSha256(seed, size)) << id;
  }

  int64_t Orphans() {
    return CountRows(data_ + "/store.db",
                     "entries_data WHERE id NOT IN (SELECT id FROM entries)");
  }

  std::string disk_, data_, tmp_;
  std::unique_ptr<Child> child_;
  std::unique_ptr<TestClient> client_;
};

TEST_P(DiskFull, RefusesWhatDoesNotFitAndRecoversWhenSpaceIsBack) {
  ASSERT_NE(Start(), 0) << child_->Stderr();
  HttpResult first = client_->Upload(1 * kMiB, 1, kNever);
  ASSERT_EQ(first.status, 200) << first.error << first.body;
  const std::string first_id = IdFromJson(first.body);

  const std::string filler = disk_ + "/filler";
  const int64_t filled = FillUp(filler);
  ASSERT_GT(filled, 0) << "could not fill " << disk_;
  RecordProperty("filler_bytes", static_cast<int>(filled));

  // The kernel says ENOSPC somewhere in the upload: refused as 507, nothing
  // of it kept, the server still serves what it had.
  HttpResult refused = client_->Upload(4 * kMiB, 2, kNever);
  EXPECT_EQ(refused.status, 507) << refused.error << refused.body;
  EXPECT_EQ(client_->Request("GET", "/api/health").status, 200);
  // Served, though its `downloads` row cannot be written.
  ExpectEntry(first_id, 1 * kMiB, 1);
  EXPECT_THAT(child_->Stderr(), HasSubstr("not recorded"));
  EXPECT_THAT(SpillFiles(tmp_), testing::IsEmpty());

  // A restart while the disk is still full.
  EXPECT_TRUE(Stop()) << child_->Stderr();
  ASSERT_NE(Start(), 0) << "restart on a full disk failed:\n"
                        << child_->Stderr();
  ExpectEntry(first_id, 1 * kMiB, 1);
  EXPECT_EQ(client_->Upload(4 * kMiB, 3, kNever).status, 507);

  // Space is back: the same upload goes through, without a restart.
  ASSERT_EQ(unlink(filler.c_str()), 0);
  HttpResult later = client_->Upload(4 * kMiB, 4, kNever);
  ASSERT_EQ(later.status, 200) << later.error << later.body;
  const std::string later_id = IdFromJson(later.body);
  ExpectEntry(later_id, 4 * kMiB, 4);

  // And a restart after it keeps both entries and nothing else.
  EXPECT_TRUE(Stop()) << child_->Stderr();
  ASSERT_NE(Start(), 0) << child_->Stderr();
  ExpectEntry(first_id, 1 * kMiB, 1);
  ExpectEntry(later_id, 4 * kMiB, 4);
  EXPECT_EQ(CountRows(data_ + "/store.db", "entries"), 2);
  EXPECT_EQ(Orphans(), 0);
  EXPECT_THAT(SpillFiles(tmp_), testing::IsEmpty());
  EXPECT_TRUE(Stop()) << child_->Stderr();
}

INSTANTIATE_TEST_SUITE_P(Chunkstore, DiskFull, ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool>& info) {
                           return info.param ? "SpillMultipart" : "Streaming";
                         });

}  // namespace
