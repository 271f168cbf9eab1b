// bazel run //runner/workload:calibration_bench -- --download_rounds=200
// Prints, per case, how much slower each --slowdown_percent server is than
// the first (an N=0 server) as perfcell's workload client measures it.
#include <cstdio>

#include "absl/flags/flag.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "runner/workload/calibration_bench.h"
#include "tools/cc/cli_flags.h"

ABSL_FLAG(int, blocks, 10, "blocks the rounds are cut into");
ABSL_FLAG(int, upload_rounds, 30, "timed uploads per server");
ABSL_FLAG(int, download_rounds, 100, "timed downloads per server");
ABSL_FLAG(std::string, percents, "0,0,3,10", "--slowdown_percent per server");
ABSL_FLAG(std::string, sizes_mib, "4,16", "request sizes");
ABSL_FLAG(std::string, kinds, "upload,download", "workload kinds");
ABSL_FLAG(std::string, binary, "examples/chunkstore/chunkstore",
          "chunkstore binary");

int main(int argc, char** argv) {
  if (auto exit =
          perfcell::ParseCliFlags(argc, argv, "calibration_bench",
                                  "Measures chunkstore's calibration switches "
                                  "against the plain server.")) {
    return *exit;
  }
  chunkstore_bench::CalibrationPlan plan;
  plan.binary = absl::GetFlag(FLAGS_binary);
  plan.blocks = absl::GetFlag(FLAGS_blocks);
  plan.upload_rounds = absl::GetFlag(FLAGS_upload_rounds);
  plan.download_rounds = absl::GetFlag(FLAGS_download_rounds);
  for (absl::string_view p :
       absl::StrSplit(absl::GetFlag(FLAGS_percents), ',')) {
    double v = 0;
    if (!absl::SimpleAtod(p, &v)) return 2;
    plan.percents.push_back(v);
  }
  for (absl::string_view k : absl::StrSplit(absl::GetFlag(FLAGS_kinds), ',')) {
    for (absl::string_view m :
         absl::StrSplit(absl::GetFlag(FLAGS_sizes_mib), ',')) {
      int mib = 0;
      if (!absl::SimpleAtoi(m, &mib)) return 2;
      chunkstore_bench::CalibrationCase c;
      c.kind = k == "upload" ? perfcell::Workload::UPLOAD
                             : perfcell::Workload::DOWNLOAD;
      c.bytes = static_cast<uint64_t>(mib) << 20;
      plan.cases.push_back(c);
    }
  }
  absl::StatusOr<chunkstore_bench::CalibrationReport> report =
      chunkstore_bench::RunCalibration(plan);
  if (!report.ok()) {
    std::fprintf(stderr, "%s\n", report.status().ToString().c_str());
    return 1;
  }
  std::printf("%s", report->Table(plan).c_str());
  return 0;
}
