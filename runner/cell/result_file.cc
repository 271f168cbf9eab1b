#include "runner/cell/result_file.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "google/protobuf/util/json_util.h"
#include "runner/vm/process.h"
#include "tools/cc/atomic_file.h"
#include "tools/cc/status_macros.h"

namespace perfcell {
namespace {

// What the kill handler writes. Two buffers per file swapped atomically, so
// the handler never reads one that is being rebuilt.
struct KillImage {
  std::string pb_path, pb_tmp, json_path, json_tmp;
  std::string pb, json;
};
KillImage g_images[2];
std::atomic<int> g_current{-1};

void WriteAll(const std::string& tmp, const std::string& path,
              const std::string& data) {
  int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return;
  const char* p = data.data();
  size_t left = data.size();
  while (left > 0) {
    ssize_t n = write(fd, p, left);
    if (n <= 0) break;
    p += n;
    left -= static_cast<size_t>(n);
  }
  fsync(fd);
  close(fd);
  rename(tmp.c_str(), path.c_str());
}

void OnKill(int sig) {
  // VMs and servers first: nothing may outlive the cell.
  KillAllChildrenFromSignalHandler();
  int i = g_current.load();
  if (i >= 0) {
    const KillImage& k = g_images[i];
    WriteAll(k.pb_tmp, k.pb_path, k.pb);
    WriteAll(k.json_tmp, k.json_path, k.json);
  }
  static const char kMsg[] =
      "perfcell: cell killed; result saved with what was measured\n";
  (void)!write(2, kMsg, sizeof(kMsg) - 1);
  _exit(128 + sig);
}

absl::Status ToJson(const CellResult& result, std::string* json) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.preserve_proto_field_names = true;
  auto s = google::protobuf::util::MessageToJsonString(result, json, options);
  if (!s.ok())
    return absl::InternalError(absl::StrCat("result to JSON: ", s.ToString()));
  return absl::OkStatus();
}

}  // namespace

ResultFile::ResultFile(std::string dir) : dir_(std::move(dir)) {
  result_.set_schema_version(SCHEMA_VERSION_CURRENT);
}

absl::Status ResultFile::SaveIfDue() {
  if (absl::Now() - last_save_end_ <
      std::min(20 * last_save_cost_, absl::Seconds(1))) {
    return absl::OkStatus();
  }
  return Save();
}

absl::Status ResultFile::Save() {
  const absl::Time start = absl::Now();
  absl::Status saved = Write();
  last_save_end_ = absl::Now();
  last_save_cost_ = last_save_end_ - start;
  return saved;
}

absl::Status ResultFile::Write() {
  std::string json;
  RETURN_IF_ERROR(ToJson(result_, &json));
  RETURN_IF_ERROR(WriteFileAtomically(pb_path(), result_.SerializeAsString()));
  RETURN_IF_ERROR(WriteFileAtomically(json_path(), json));

  // A kill while the cell runs marks it FAILED; once it has a final status
  // (a diagnosis or PASSED), a late kill must not replace it.
  CellResult killed = result_;
  if (killed.status() == CellResult::RUNNING ||
      killed.status() == CellResult::STATUS_UNSPECIFIED) {
    killed.set_status(CellResult::FAILED);
    killed.set_error(
        "the cell was killed by a signal (Bazel's test timeout or Ctrl-C) "
        "before it finished; the iterations listed were measured");
    killed.set_end_unix_nanos(absl::ToUnixNanos(absl::Now()));
  }
  int next = g_current.load() == 0 ? 1 : 0;
  KillImage& k = g_images[next];
  k.pb_path = pb_path();
  k.pb_tmp = pb_path() + ".killed";
  k.json_path = json_path();
  k.json_tmp = json_path() + ".killed";
  k.pb = killed.SerializeAsString();
  k.json.clear();
  RETURN_IF_ERROR(ToJson(killed, &k.json));
  g_current.store(next);
  return absl::OkStatus();
}

void ResultFile::InstallKillHandler() {
  struct sigaction sa;
  memset(&sa, 0, sizeof(sa));
  sa.sa_handler = OnKill;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);
}

}  // namespace perfcell
