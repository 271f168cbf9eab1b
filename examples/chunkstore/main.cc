// chunkstore: a PicoShare-compatible file server storing uploads in SQLite as
// fixed-size chunks. See README.md for the API, flags and variants.
#include <errno.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "contract/guest_layout.h"
#include "examples/chunkstore/handlers.h"
#include "examples/chunkstore/pacing.h"
#include "examples/chunkstore/server.h"
#include "examples/chunkstore/store.h"
#include "tools/cc/cli_flags.h"

ABSL_FLAG(std::optional<int>, port, std::nullopt,
          "TCP port to listen on (0.0.0.0). Default: $PORT, else the port "
          "a perfcell guest runs its server on (contract/guest_layout.h "
          "kServerPort; PicoShare's default too).");
ABSL_FLAG(std::string, data_dir, ".",
          "Folder of the database; it is <data_dir>/store.db.");
ABSL_FLAG(std::optional<std::string>, shared_secret, std::nullopt,
          "Secret for POST /api/auth. Default: $PS_SHARED_SECRET (required).");
ABSL_FLAG(int64_t, chunk_size, 327680, "Bytes per entries_data chunk.");
ABSL_FLAG(bool, debug_endpoints, false,
          "Serve POST /api/debug/db/clear (delete all, VACUUM).");
ABSL_FLAG(int64_t, download_batch_chunks, 1,
          "Variant: chunks fetched per SELECT while serving a download.");
ABSL_FLAG(bool, upload_single_transaction, false,
          "Variant: one SQLite transaction per upload instead of per chunk.");
ABSL_FLAG(bool, spill_multipart, false,
          "Variant: copy an uploaded file of over 1 MiB whole to "
          "$TMPDIR/multipart-* first, as PicoShare (Go's multipart reader) "
          "does, then insert it from there (smaller files stay in memory).");
ABSL_FLAG(int64_t, crash_after_bytes, 0,
          "Fault: abort() once this many upload body bytes arrived (0: off).");
ABSL_FLAG(int64_t, hold_memory_mib, 0,
          "Fault: allocate, touch and keep this many MiB at start.");
ABSL_FLAG(double, slowdown_percent, 0,
          "Calibration: every request takes this much longer (0..1000 %), by "
          "a sleep proportional to its own elapsed time.");
ABSL_FLAG(double, drift_percent_per_minute, 0,
          "Calibration: requests get this much slower (0..1000 %) for every "
          "minute since start, on top of --slowdown_percent.");
ABSL_FLAG(double, fail_percent, 0,
          "Test: this share of downloads (0 <= N < 100) answers HTTP 500, "
          "evenly spread: the n-th fails when floor(n * N / 100) goes up.");
ABSL_FLAG(double, stall_every_seconds, 0,
          "Test: with --stall_seconds, the server stalls during the last "
          "--stall_seconds of every --stall_every_seconds since start.");
ABSL_FLAG(double, stall_seconds, 0,
          "Test: length of each stall (below --stall_every_seconds).");

namespace {

int Fail(const std::string& message, int exit_code = 1) {
  std::fprintf(stderr, "chunkstore: %s\n", message.c_str());
  return exit_code;
}

// Allocates `mib` MiB and writes to every page, so it counts against the
// process (and the VM) for the rest of its life.
void HoldMemory(int64_t mib) {
  // One MiB at a time: a single huge malloc() would just be refused by the
  // kernel's overcommit check, where many small ones really use the memory
  // (and, past what the machine has, bring the OOM killer).
  static std::vector<char*> held;  // never freed: the point is to keep it
  for (int64_t i = 0; i < mib; ++i) {
    char* block = static_cast<char*>(std::malloc(1 << 20));
    if (block == nullptr) {
      // Under an address-space limit the allocation fails instead of the
      // OOM killer coming: that is the same "out of memory", so end alike.
      std::fprintf(
          stderr,
          "chunkstore: --hold_memory_mib: out of memory after %lld MiB\n",
          static_cast<long long>(i));
      std::exit(3);
    }
    for (size_t j = 0; j < (1 << 20); j += 4096) block[j] = 1;
    held.push_back(block);
  }
}

// Creates `dir` and any missing parents (mkdir -p). Fine if it exists.
absl::Status MakeDirectories(const std::string& dir) {
  for (size_t i = 1; i <= dir.size(); ++i) {
    if (i < dir.size() && dir[i] != '/') continue;
    const std::string prefix = dir.substr(0, i);
    if (mkdir(prefix.c_str(), 0755) != 0 && errno != EEXIST) {
      return absl::InternalError(absl::StrCat("cannot create --data_dir \"",
                                              prefix, "\": ", strerror(errno)));
    }
  }
  struct stat st;
  if (stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    return absl::InternalError(
        absl::StrCat("--data_dir \"", dir, "\" is not a directory"));
  }
  return absl::OkStatus();
}

}  // namespace

int main(int argc, char** argv) {
  if (auto exit = perfcell::ParseCliFlags(
          argc, argv, "chunkstore",
          "PicoShare-compatible file server on SQLite.\n"
          "  PS_SHARED_SECRET=s chunkstore --port=8080 --data_dir=/data")) {
    return *exit;
  }

  int port = perfcell::contract::kServerPort;
  if (std::optional<int> flag = absl::GetFlag(FLAGS_port)) {
    port = *flag;
  } else if (const char* env = std::getenv("PORT")) {
    if (!absl::SimpleAtoi(env, &port)) {
      return Fail(std::string("PORT is not a number: ") + env);
    }
  }
  std::optional<std::string> secret = absl::GetFlag(FLAGS_shared_secret);
  if (!secret.has_value()) {
    if (const char* env = std::getenv("PS_SHARED_SECRET")) secret = env;
  }
  if (!secret.has_value() || secret->empty()) {
    return Fail(
        "no shared secret: set PS_SHARED_SECRET or pass --shared_secret");
  }
  if (absl::GetFlag(FLAGS_chunk_size) <= 0) {
    return Fail("--chunk_size must be positive");
  }
  chunkstore::PacingOptions pacing;
  pacing.slowdown_percent = absl::GetFlag(FLAGS_slowdown_percent);
  pacing.drift_percent_per_minute =
      absl::GetFlag(FLAGS_drift_percent_per_minute);
  pacing.stall_every_seconds = absl::GetFlag(FLAGS_stall_every_seconds);
  pacing.stall_seconds = absl::GetFlag(FLAGS_stall_seconds);
  if (absl::Status s = chunkstore::ValidatePacingOptions(pacing); !s.ok()) {
    return Fail(std::string(s.message()), 2);
  }
  const double fail_percent = absl::GetFlag(FLAGS_fail_percent);
  if (!(fail_percent >= 0 && fail_percent < 100)) {
    return Fail("--fail_percent must be at least 0 and below 100", 2);
  }
  HoldMemory(absl::GetFlag(FLAGS_hold_memory_mib));

  // SIGTERM and SIGINT are taken by a thread below, never by a handler.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  chunkstore::StoreOptions store_options;
  store_options.single_transaction_uploads =
      absl::GetFlag(FLAGS_upload_single_transaction);
  const std::string data_dir = absl::GetFlag(FLAGS_data_dir);
  if (absl::Status s = MakeDirectories(data_dir); !s.ok()) {
    return Fail(std::string(s.message()));
  }
  const std::string db_path = data_dir + "/store.db";
  absl::StatusOr<std::unique_ptr<chunkstore::Store>> store =
      chunkstore::Store::Open(db_path, store_options);
  if (!store.ok()) return Fail(store.status().ToString());

  chunkstore::ApiOptions api_options;
  api_options.shared_secret = *secret;
  api_options.upload.chunk_size = absl::GetFlag(FLAGS_chunk_size);
  api_options.upload.spill_multipart = absl::GetFlag(FLAGS_spill_multipart);
  const char* tmpdir = std::getenv("TMPDIR");
  api_options.upload.temp_dir = tmpdir != nullptr && *tmpdir ? tmpdir : "/tmp";
  api_options.download_batch_chunks =
      absl::GetFlag(FLAGS_download_batch_chunks);
  api_options.debug_endpoints = absl::GetFlag(FLAGS_debug_endpoints);
  api_options.crash_after_bytes = absl::GetFlag(FLAGS_crash_after_bytes);
  api_options.fail_percent = fail_percent;
  chunkstore::Api api(store->get(), api_options);

  chunkstore::ServerOptions server_options;
  server_options.port = port;
  server_options.pacing = pacing;
  chunkstore::Server server(&api, server_options);
  if (absl::Status s = server.Listen(); !s.ok()) return Fail(s.ToString());
  std::fprintf(stderr,
               "chunkstore: listening on 0.0.0.0:%d, database %s, pid %d\n",
               server.port(), db_path.c_str(), static_cast<int>(getpid()));

  std::thread signal_waiter([&server, signals] {
    int received = 0;
    sigwait(&signals, &received);
    std::fprintf(stderr, "chunkstore: %s, shutting down\n",
                 strsignal(received));
    server.Stop();
  });
  signal_waiter.detach();
  server.Run();
  store->reset();  // closes the database
  std::fprintf(stderr, "chunkstore: stopped\n");
  return 0;
}
