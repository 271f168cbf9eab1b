#!/usr/bin/env bash
# Load cells count failed requests and go on (real host cells, chunkstore
# --fail_percent): at 2 % failed downloads every stage completes, the error
# rate reaches result.json and the thresholds (errors.rate < 1% is broken,
# errors.rate < 5% holds); at 30 %, past the 10 % a stage may lose, the
# first stage fails the cell.
set -uo pipefail
cell=$1 chunkstore=$2
source "$TEST_SRCDIR/$TEST_WORKSPACE/tools/cc/check.sh"
run() {  # run NAME PERCENT: results in $TEST_TMPDIR/NAME/out, output in .../stderr
  local dir=$TEST_TMPDIR/$1
  mkdir -p "$dir/out" "$dir/work"
  "$cell" --cell="$1" --backend=host --mode=interleaved --blocks=1 \
    --baseline=baseline --workload=load --bytes=64K --iterations=2 --warmup=0 \
    --concurrency=2 --load_seconds=1 \
    --thresholds="errors.rate < 1%; errors.rate < 5%" \
    --branches="branch { binary { branch: \"baseline\" args: \"--debug_endpoints\" args: \"--fail_percent=$2\" } server_binary: \"$chunkstore\" }" \
    --out_dir="$dir/out" --work_dir="$dir/work" >"$dir/stdout" 2>"$dir/stderr"
}

run some 2
status=$?
dir=$TEST_TMPDIR/some
check "the cell failed (a threshold)" test "$status" -eq 1
check "one line names the broken threshold and the rate" \
  grep -Eq '^cell some FAILED: threshold errors\.rate < 1% broken by branch baseline: [12](\.[0-9]+)?% \(\+[0-9]+%\)$' "$dir/stderr"
check "the threshold that holds is not in it" \
  bash -c '! grep -q "errors.rate < 5%" "$1"' _ "$dir/stderr"
check "both stages ran to the end, each ok" \
  test "$(grep -c '"http_status": 200' "$dir/out/result.json")" -eq 2
check "their failed requests are counted as HTTP 5xx" \
  test "$(grep -c '"http_5xx": "[1-9][0-9]*"' "$dir/out/result.json")" -ge 2
check "the progress lines say how many failed" \
  test "$(grep -Ec 'iteration [12]/2 .*\([0-9]+ of [0-9]+ requests failed: 0 4xx, [1-9][0-9]* 5xx, 0 timeouts, 0 other\)' "$dir/stdout")" -eq 2

run many 30
status=$?
dir=$TEST_TMPDIR/many
check "past 10 % failed the cell fails" test "$status" -eq 1
check "... saying the stage lost more than it may" \
  grep -Eq 'iteration 0 \(load stage, 2 clients\) failed: [0-9]+ of [0-9]+ requests failed, more than the 10 % a stage may lose; first: GET /-[A-Za-z0-9]+ answered HTTP 500' "$dir/stderr"
check "... after the first stage" \
  test "$(grep -c '"index":' "$dir/out/result.json")" -le 2

for name in some many; do
  echo "--- $name: output"
  cat "$TEST_TMPDIR/$name/stdout" "$TEST_TMPDIR/$name/stderr"
done
check_exit
