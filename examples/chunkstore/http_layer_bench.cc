// http_layer_bench: chunkstore's own HTTP/1.1 layer against the same storage
// work behind Debian's cpp-httplib (httplib_store_server), in one run on one
// machine, as issue 14 asks before chunkstore may move onto httplib.
//
//   bazel run -c opt //examples/chunkstore:http_layer_bench -- --rounds=15
//
// Both servers run as child processes with fresh data folders, driven by
// the same libcurl client. Round trips (upload then download of --size_mib)
// alternate between the servers, the first server of each round drawn at
// random; then each server takes one --big_mib streamed upload (and its
// download). Prints per operation the median throughput of each server,
// httplib's median over chunkstore's, and each server's peak RSS (VmHWM)
// after the small rounds and after the big upload.
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "examples/chunkstore/chunkstore_child.h"
#include "examples/chunkstore/test_client.h"
#include "tools/cc/cli_flags.h"

ABSL_FLAG(int, rounds, 15, "timed round trips per server");
ABSL_FLAG(int, size_mib, 16, "size of a round trip's file");
ABSL_FLAG(int, big_mib, 1024, "size of the streamed upload (0: skip)");
ABSL_FLAG(uint64_t, seed, 1, "order of the servers within rounds");

namespace {

using chunkstore_test::Child;
using chunkstore_test::HttpResult;
using chunkstore_test::TestClient;

constexpr char kNever[] = "2999-12-31T00:00:00Z";

struct Side {
  std::string name;
  std::string binary;
  std::unique_ptr<Child> child;
  std::unique_ptr<TestClient> client;
  std::vector<double> upload_mib_s, download_mib_s;
  double big_upload_mib_s = 0, big_download_mib_s = 0;
  int64_t rss_small_kib = 0, rss_big_kib = 0;
};

double Median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

// Uploads then downloads `mib` MiB; false (with a line on stderr) on any
// failure. Throughputs in MiB/s.
bool RoundTrip(Side& side, int mib, uint64_t seed, double* up, double* down) {
  const int64_t bytes = int64_t{mib} << 20;
  absl::Time t0 = absl::Now();
  HttpResult put = side.client->Upload(bytes, seed, kNever);
  const double up_s = absl::ToDoubleSeconds(absl::Now() - t0);
  const std::string id = chunkstore_test::IdFromJson(put.body);
  if (put.status != 200 || id.empty()) {
    std::fprintf(stderr, "%s: upload failed: %ld %s %s\n", side.name.c_str(),
                 put.status, put.error.c_str(), put.body.c_str());
    return false;
  }
  t0 = absl::Now();
  HttpResult get = side.client->Request("GET", "/-" + id);
  const double down_s = absl::ToDoubleSeconds(absl::Now() - t0);
  if (get.status != 200 ||
      get.body_sha256 != chunkstore_test::PatternSha256(seed, bytes)) {
    std::fprintf(stderr, "%s: download failed or differs: %ld %s\n",
                 side.name.c_str(), get.status, get.error.c_str());
    return false;
  }
  *up = mib / up_s;
  *down = mib / down_s;
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (auto exit =
          perfcell::ParseCliFlags(argc, argv, "http_layer_bench",
                                  "Compares chunkstore's HTTP layer with "
                                  "cpp-httplib doing the same storage work.")) {
    return *exit;
  }
  // Removes the scratch folder (databases, logs) on every way out, after
  // the children are gone (`sides` is declared later, so destroyed first).
  struct Scratch {
    std::string path;
    ~Scratch() {
      if (!path.empty()) std::filesystem::remove_all(path);
    }
  } scratch;
  std::string& tmp = scratch.path;
  if (getenv("TEST_TMPDIR") == nullptr) {
    tmp = (std::filesystem::temp_directory_path() / "http_layer_bench-XXXXXX")
              .string();
    if (mkdtemp(tmp.data()) == nullptr) return 1;
    setenv("TEST_TMPDIR", tmp.c_str(), 1);
  }
  const int rounds = absl::GetFlag(FLAGS_rounds);
  const int mib = absl::GetFlag(FLAGS_size_mib);
  const int big_mib = absl::GetFlag(FLAGS_big_mib);

  std::vector<Side> sides(2);
  sides[0].name = "chunkstore";
  sides[0].binary = "examples/chunkstore/chunkstore";
  sides[1].name = "httplib";
  sides[1].binary = "examples/chunkstore/httplib_store_server";
  for (size_t i = 0; i < sides.size(); ++i) {
    std::vector<std::string> args = {"--port=0", "--shared_secret=s",
                                     "--data_dir=" + chunkstore_test::NewDir()};
    sides[i].child = std::make_unique<Child>(
        sides[i].binary, args, std::map<std::string, std::string>{});
    const int port = sides[i].child->WaitListening();
    if (port == 0) {
      std::fprintf(stderr, "%s did not start: %s\n", sides[i].name.c_str(),
                   sides[i].child->Stderr().c_str());
      return 1;
    }
    sides[i].client = std::make_unique<TestClient>(port);
    if (sides[i].client->Auth("s").status != 200) {
      std::fprintf(stderr, "%s: auth failed\n", sides[i].name.c_str());
      return 1;
    }
  }
  std::fprintf(stderr,
               "http_layer_bench: %d CPUs, %d x %d MiB round trips per "
               "server, then %d MiB\n",
               static_cast<int>(std::thread::hardware_concurrency()), rounds,
               mib, big_mib);

  std::mt19937_64 rng(absl::GetFlag(FLAGS_seed));
  uint64_t seed = 100;
  for (int r = -1; r < rounds; ++r) {  // round -1: warm-up, not counted
    std::vector<size_t> order(sides.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::shuffle(order.begin(), order.end(), rng);
    for (size_t i : order) {
      double up = 0, down = 0;
      if (!RoundTrip(sides[i], mib, ++seed, &up, &down)) return 1;
      if (r < 0) continue;
      sides[i].upload_mib_s.push_back(up);
      sides[i].download_mib_s.push_back(down);
    }
    std::fprintf(stderr, "\rround %d/%d", r + 1, rounds);
  }
  std::fprintf(stderr, "\n");
  for (Side& s : sides) s.rss_small_kib = s.child->PeakRssKib();

  if (big_mib > 0) {
    for (Side& s : sides) {
      std::fprintf(stderr, "%s: %d MiB upload and download\n", s.name.c_str(),
                   big_mib);
      if (!RoundTrip(s, big_mib, ++seed, &s.big_upload_mib_s,
                     &s.big_download_mib_s)) {
        return 1;
      }
      s.rss_big_kib = s.child->PeakRssKib();
    }
  }

  // Columns: each server's figure, then each other server's over
  // chunkstore's (the first).
  std::string out = absl::StrFormat("%-28s", "MiB/s (median)");
  for (const Side& s : sides) out += absl::StrFormat(" %12s", s.name);
  for (size_t i = 1; i < sides.size(); ++i) {
    out += absl::StrFormat(" %12s", absl::StrCat(sides[i].name, "/cs"));
  }
  out += "\n";
  auto row = [&](absl::string_view what, auto value, bool ratio) {
    out += absl::StrFormat("%-28s", what);
    for (const Side& s : sides) out += absl::StrFormat(" %12.1f", value(s));
    for (size_t i = 1; ratio && i < sides.size(); ++i) {
      out += absl::StrFormat(" %+11.1f%%",
                             100 * (value(sides[i]) / value(sides[0]) - 1));
    }
    out += "\n";
  };
  row(
      absl::StrCat("upload ", mib, " MiB"),
      [](const Side& s) { return Median(s.upload_mib_s); }, true);
  row(
      absl::StrCat("download ", mib, " MiB"),
      [](const Side& s) { return Median(s.download_mib_s); }, true);
  if (big_mib > 0) {
    row(
        absl::StrCat("upload ", big_mib, " MiB (one)"),
        [](const Side& s) { return s.big_upload_mib_s; }, true);
    row(
        absl::StrCat("download ", big_mib, " MiB (one)"),
        [](const Side& s) { return s.big_download_mib_s; }, true);
  }
  row(
      "peak RSS MiB, small rounds",
      [](const Side& s) { return s.rss_small_kib / 1024.0; }, false);
  if (big_mib > 0) {
    row(
        "peak RSS MiB, after big",
        [](const Side& s) { return s.rss_big_kib / 1024.0; }, false);
  }
  auto range = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.empty() ? std::string()
                     : absl::StrFormat("%.0f … %.0f", v.front(), v.back());
  };
  for (const Side& s : sides) {
    out +=
        absl::StrFormat("%s: upload %s, download %s MiB/s (min … max)\n",
                        s.name, range(s.upload_mib_s), range(s.download_mib_s));
  }
  std::printf("%s", out.c_str());
  for (Side& s : sides) s.child->Terminate();
  return 0;
}
