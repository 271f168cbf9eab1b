#!/usr/bin/env bash
# A broken threshold fails a real cell (host backend) with one line naming
# it, after every iteration is saved; the report's targets table shows it.
# download.p95 < 1us cannot hold; the others must (and stay out of the line).
set -uo pipefail
cell=$1 chunkstore=$2 report=$3
out=$TEST_TMPDIR/out work=$TEST_TMPDIR/work
mkdir -p "$out" "$work"
branches="branch { binary { branch: \"baseline\" args: \"--debug_endpoints\" } server_binary: \"$chunkstore\" }
branch { binary { branch: \"slow\" args: \"--debug_endpoints\" args: \"--slowdown_percent=100\" } server_binary: \"$chunkstore\" }"
thresholds="download.p95 < 1us; download.throughput > 1KiB/s; errors.rate < 1%; server.rss_max < 4GiB; disk.used_max < 1GiB; upload.p50 < 1ms"
"$cell" --cell=threshold --backend=host --mode=interleaved --blocks=2 \
  --baseline=baseline --workload=download --bytes=1M --iterations=4 \
  --warmup=1 --branches="$branches" --thresholds="$thresholds" \
  --out_dir="$out" --work_dir="$work" >"$TEST_TMPDIR/stdout" 2>"$TEST_TMPDIR/stderr"
status=$?
"$report" --results="$out" --baseline=baseline --out="$TEST_TMPDIR/report" >"$TEST_TMPDIR/report.log" 2>&1
report_status=$?
source "$TEST_SRCDIR/$TEST_WORKSPACE/tools/cc/check.sh"
line=$(grep 'broken by branch' "$TEST_TMPDIR/stderr")
check "the cell failed" test "$status" -eq 1
check "one line says why" test "$(grep -c 'broken by branch' "$TEST_TMPDIR/stderr")" -eq 1
check "it names the threshold, the branch and by how much" \
  grep -Eq '^cell threshold FAILED: threshold download\.p95 < 1us broken by branch baseline: [0-9.]+ms \(\+[0-9]+%\); threshold download\.p95 < 1us broken by branch slow: ' "$TEST_TMPDIR/stderr"
check "thresholds that hold are not in it" \
  bash -c '! grep -q "throughput\|errors.rate\|rss_max\|disk.used\|upload" <<<"$1"' _ "$line"
check "result.json says FAILED" grep -q '"status": "FAILED"' "$out/result.json"
check "result.json has the same line" \
  grep -q '"error": "threshold download.p95 \\u003c 1us broken by branch baseline: .*broken by branch slow' "$out/result.json"
check "every iteration is saved (2 blocks x 2 branches x 5)" \
  test "$(grep -c '"seconds":' "$out/result.json")" -eq 20
check "both blocks completed" test "$(grep -c '"complete": true' "$out/result.json")" -eq 2
check "the thresholds are in the spec" \
  grep -q '"text": "server.rss_max \\u003c 4GiB"' "$out/result.json"
check "the report ran" test "$report_status" -eq 0
check "summary.md has the targets table" \
  grep -q '^| cell | threshold | baseline | slow |' "$TEST_TMPDIR/report/summary.md"
check "the broken threshold fails for both branches there" \
  grep -Eq '^\| download 1 MiB.* \| download\.p95 < 1us \| [0-9.]+ms \*\*FAIL\*\* \(\+[0-9]+%\) \| [0-9.]+ms \*\*FAIL\*\*' "$TEST_TMPDIR/report/summary.md"
check "the others pass" \
  grep -Eq '\| server\.rss_max < 4GiB \| [0-9.]+MiB pass \| [0-9.]+MiB pass \|' "$TEST_TMPDIR/report/summary.md"
check "summary.md has server resources per branch" \
  grep -Eq '^\| download 1 MiB.* \| slow \| 8 \| [0-9.]+ MiB \|' "$TEST_TMPDIR/report/summary.md"
check "report.html has both tables" \
  bash -c 'grep -q "id=\"targets\"" "$1" && grep -q "id=\"resources\"" "$1"' _ "$TEST_TMPDIR/report/report.html"
echo "--- stderr of the cell"
cat "$TEST_TMPDIR/stderr"
echo "--- summary.md: targets and server resources"
sed -n '/^## Targets/,/^## Warnings/p' "$TEST_TMPDIR/report/summary.md" | grep -v '^## Warnings'
check_exit
