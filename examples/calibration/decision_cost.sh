#!/usr/bin/env bash
# The cost of a decision, fixed against adaptive stopping, in one run on this
# machine: runs //examples/calibration:decide_fixed (20 blocks) and
# :decide_adaptive (4 to 20 blocks, futility 10 %), each a host cell holding
# "baseline", "same" (identical) and "slow10" (--slowdown_percent=10), then
# prints the machine time each took and the verdicts the report gives.
#
#   bash examples/calibration/decision_cost.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
out=$(mktemp -d /tmp/perfcell-decision-cost.XXXXXX)
bazel build //analysis:report >/dev/null 2>&1
# Not the bazel-testlogs symlink: another build with other flags moves it.
testlogs=$(bazel info bazel-testlogs 2>/dev/null)
bin=$(bazel info bazel-bin 2>/dev/null)

cell_seconds() {  # the wall time of every cell of a matrix, summed
  python3 - "$1" <<'PY'
import json, sys, glob, zipfile
total = 0.0
for z in glob.glob(sys.argv[1] + "/*/test.outputs/outputs.zip"):
    r = json.loads(zipfile.ZipFile(z).read("result.json"))
    total += (int(r["end_unix_nanos"]) - int(r["start_unix_nanos"])) / 1e9
print("%.1f" % total)
PY
}

for design in fixed adaptive; do
  echo "== decide_$design"
  bazel test "//examples/calibration:decide_$design" --test_output=errors >"$out/$design.log" 2>&1 || {
    tail -20 "$out/$design.log"; exit 1; }
  mkdir -p "$out/$design"
  for cell in $(bazel query "tests(//examples/calibration:decide_$design)" 2>/dev/null); do
    cp -r "$testlogs/examples/calibration/${cell##*:}" "$out/$design/"
  done
  "$bin/analysis/report" --results="$out/$design" --baseline=baseline \
    --out="$out/$design-report" >"$out/$design-report.txt" 2>&1 || true
  echo "$(cell_seconds "$out/$design") s of machine time"
  grep -E '^\| [0-9]+ MiB \| (same|slow10) ' "$out/$design-report.txt" |
    awk -F'|' '{printf "  %-8s %s %s %s\n", $3, $6, $7, $9}'
  unzip -p "$out/$design"/*/test.outputs/outputs.zip result.json |
    python3 -c 'import json,sys; print("  stop: " + json.load(sys.stdin).get("stop_reason", ""))'
done
echo "results and reports in $out"
