#!/usr/bin/env bash
# An adaptive interleaved cell on the host backend, for real: a branch that
# is twice as slow (chunkstore --slowdown_percent=100) must be decided
# "slower" and the cell must stop before max_blocks, saying why in its
# result and one progress line per block.
set -uo pipefail
cell=$1 chunkstore=$2
out=$TEST_TMPDIR/out work=$TEST_TMPDIR/work
mkdir -p "$out" "$work"
branches="branch { binary { branch: \"baseline\" args: \"--debug_endpoints\" } server_binary: \"$chunkstore\" }
branch { binary { branch: \"slow\" args: \"--debug_endpoints\" args: \"--slowdown_percent=100\" } server_binary: \"$chunkstore\" }"
"$cell" --cell=adaptive --backend=host --mode=interleaved --stop=adaptive \
  --blocks=30 --min_blocks=4 --baseline=baseline --workload=download \
  --bytes=2M --iterations=3 --warmup=1 --branches="$branches" \
  --out_dir="$out" --work_dir="$work" >"$TEST_TMPDIR/stdout" 2>&1
status=$?
source "$TEST_SRCDIR/$TEST_WORKSPACE/tools/cc/check.sh"
check "the cell passed" test "$status" -eq 0
check "a progress line per block from the first look on" \
  grep -q '^perfcell: block 4/30: slow ' "$TEST_TMPDIR/stdout"
check "slow is decided slower" \
  grep -q 'slow -[0-9.]* % \[.*\] slower (decided at block' "$TEST_TMPDIR/stdout"
check "the result says the cell stopped once every comparison was decided" \
  grep -q '"stop_reason": "adaptive: every comparison decided\( or futile\)\? after [0-9]* blocks; slow slower at block' "$out/result.json"
check "the cell stopped before max_blocks" \
  test "$(grep -c '"complete": true' "$out/result.json")" -lt 30
if ((failures)); then tail -20 "$TEST_TMPDIR/stdout"; fi
check_exit
