#!/usr/bin/env bash
# The cost of a decision, fixed against adaptive stopping, on this machine:
# runs //examples/calibration:decide_fixed (20 blocks) and :decide_adaptive
# (4 to 20 blocks, futility 10 %), each a host cell holding "baseline",
# "same" (identical) and "slow10" (--slowdown_percent=10), one after the
# other, and prints the machine time each took and the verdicts the report
# gives. With RUNS > 1 the pair runs RUNS times (fixed first, then adaptive,
# each time) and a last line gives the adaptive share of all the machine
# time: one pair is one draw of a noisy machine, as one block is.
#
#   bash examples/calibration/decision_cost.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-1}
if ! [[ $runs =~ ^[1-9][0-9]*$ ]]; then
  echo "decision_cost.sh: RUNS must be a whole number from 1, not \"$runs\"" >&2
  exit 2
fi
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

# run_design DESIGN DIR: runs decide_DESIGN, keeps its results in DIR and
# prints its machine time, verdicts and stop; the time goes to DIR.seconds.
run_design() {
  local design=$1 dir=$2
  echo "== decide_$design"
  mkdir -p "$dir"
  bazel test "//examples/calibration:decide_$design" --test_output=errors >"$dir.log" 2>&1 || {
    tail -20 "$dir.log"; exit 1; }
  for cell in $(bazel query "tests(//examples/calibration:decide_$design)" 2>/dev/null); do
    cp -r "$testlogs/examples/calibration/${cell##*:}" "$dir/"
  done
  "$bin/analysis/report" --results="$dir" --baseline=baseline \
    --out="$dir-report" >"$dir-report.txt" 2>&1 || true
  cell_seconds "$dir" >"$dir.seconds"
  echo "$(cat "$dir.seconds") s of machine time"
  grep -E '^\| [0-9]+ MiB \| (same|slow10) ' "$dir-report.txt" |
    awk -F'|' '{printf "  %-8s %s %s %s\n", $3, $6, $7, $9}'
  unzip -p "$dir"/*/test.outputs/outputs.zip result.json |
    python3 -c 'import json,sys; print("  stop: " + json.load(sys.stdin).get("stop_reason", ""))'
}

for ((i = 1; i <= runs; i++)); do
  ((runs == 1)) || echo "#### run $i of $runs"
  for design in fixed adaptive; do
    run_design "$design" "$out/$i/$design"
  done
done
if ((runs > 1)); then
  python3 - "$out" "$runs" <<'PY'
import sys
out, runs = sys.argv[1], int(sys.argv[2])
read = lambda i, d: float(open(f"{out}/{i}/{d}.seconds").read())
pairs = [(read(i, "fixed"), read(i, "adaptive")) for i in range(1, runs + 1)]
shares = sorted(a / f for f, a in pairs)
fixed, adaptive = sum(f for f, _ in pairs), sum(a for _, a in pairs)
print("adaptive used %.0f %% of the fixed design's machine time over %d runs "
      "(%.1f s against %.1f s; one run from %.0f %% to %.0f %%, median %.0f %%)"
      % (100 * adaptive / fixed, runs, adaptive, fixed, 100 * shares[0],
         100 * shares[-1], 100 * shares[len(shares) // 2] if runs % 2 else
         50 * (shares[runs // 2 - 1] + shares[runs // 2])))
PY
fi
echo "results and reports in $out"
