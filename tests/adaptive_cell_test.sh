#!/usr/bin/env bash
# An adaptive interleaved cell on the host backend, for real: a branch that
# is twice as slow (chunkstore --slowdown_percent=100) must be decided
# "slower" and the cell must stop before max_blocks, saying why in its
# result and one progress line per block; with mean-t (the default) within
# a few blocks, with signed-rank not before its floor. Once decided, the
# slow branch runs in no later block while an identical one ("same") is
# still being decided.
set -uo pipefail
cell=$1 chunkstore=$2
branches="branch { binary { branch: \"baseline\" args: \"--debug_endpoints\" } server_binary: \"$chunkstore\" }
branch { binary { branch: \"slow\" args: \"--debug_endpoints\" args: \"--slowdown_percent=100\" } server_binary: \"$chunkstore\" }"
# run_cell NAME BRANCHES [FLAG...]: the adaptive cell of BRANCHES into
# $TEST_TMPDIR/NAME (its result in out/, its progress in stdout), with FLAGs
# added.
run_cell() {
  local dir=$TEST_TMPDIR/$1 branches=$2
  shift 2
  mkdir -p "$dir/out" "$dir/work"
  "$cell" --cell=adaptive --backend=host --mode=interleaved --stop=adaptive \
    --blocks=30 --min_blocks=4 --baseline=baseline --workload=download \
    --bytes=2M --iterations=3 --warmup=1 --branches="$branches" "$@" \
    --out_dir="$dir/out" --work_dir="$dir/work" >"$dir/stdout" 2>&1
}
same="branch { binary { branch: \"same\" args: \"--debug_endpoints\" } server_binary: \"$chunkstore\" }"
# Futility off: "same" must be shown within ±5 %, which takes blocks that
# the 2x slowdown does not need.
run_cell mean_t "$branches
$same" --futility=0
status=$?
out=$TEST_TMPDIR/mean_t/out
stdout=$TEST_TMPDIR/mean_t/stdout
source "$TEST_SRCDIR/$TEST_WORKSPACE/tools/cc/check.sh"
check "the cell passed" test "$status" -eq 0
check "a progress line per block from the first look on" \
  grep -q '^perfcell: block 4/30: slow ' "$stdout"
check "slow is decided slower" \
  grep -q 'slow -[0-9.]* % \[.*\] slower (decided at block' "$stdout"
check "the result says why the cell stopped" \
  grep -q '"stop_reason": "adaptive: \(every comparison decided\|max_blocks 30 reached\) after [0-9]* blocks; slow slower at block' "$out/result.json"
# The default method, mean-t on run geometric means, recorded in the result;
# a change this large is called at the first looks, where no signed-rank
# interval can be bounded yet.
check "the result names the method and the run statistic" \
  grep -q '"method": "MEAN_T"' "$out/result.json"
check "... and the run statistic" \
  grep -q '"run_statistic": "GEOMETRIC_MEAN"' "$out/result.json"
decided_at() {
  sed -n 's/.*slower (decided at block \([0-9]*\)).*/\1/p' "$1" | head -1
}
mean_t_block=$(decided_at "$stdout")
check "mean-t decides a 2x slowdown by block 6 (it did at $mean_t_block)" \
  test "${mean_t_block:-99}" -le 6
# A settled branch leaves the cell: slow ran in the blocks up to its
# decision only, and any later block ran the baseline and "same" alone.
runs_of() {
  python3 - "$out/result.json" "$1" <<'PY'
import json, sys
blocks = json.load(open(sys.argv[1]))["blocks"]
print(sum(run["branch"] == sys.argv[2] for b in blocks for run in b["runs"]),
      len(blocks))
PY
}
read -r slow_runs blocks_run <<<"$(runs_of slow)"
read -r same_runs _ <<<"$(runs_of same)"
check "slow ran in the $mean_t_block blocks up to its decision only ($slow_runs runs in $blocks_run blocks)" \
  test "${slow_runs:-0}" -eq "${mean_t_block:-99}"
check "same ran in every block ($same_runs of $blocks_run)" \
  test "${same_runs:-0}" -eq "${blocks_run:-99}"
check "the cell went on without slow (slow left after block $mean_t_block of $blocks_run)" \
  test "${blocks_run:-0}" -gt "${mean_t_block:-99}"

# The same cell with the signed-rank method: nothing before block 8.
# With one server per branch for the whole cell: slow's ends when it is
# decided, the baseline's at the end; each must answer healthy.
run_cell signed_rank "$branches" --sequential_method=signed-rank \
  --run_statistic=median --isolation=session
check "the signed-rank cell passed" test $? -eq 0
out2=$TEST_TMPDIR/signed_rank/out
stdout2=$TEST_TMPDIR/signed_rank/stdout
signed_rank_block=$(decided_at "$stdout2")
check "signed-rank decides it too, not before block 8 (at $signed_rank_block)" \
  test "${signed_rank_block:-0}" -ge 8 -a "${signed_rank_block:-99}" -le 30
check "the result says the cell stopped once slow was decided" \
  grep -q '"stop_reason": "adaptive: every comparison decided after [0-9]* blocks; slow slower at block' "$out2/result.json"
check "the cell stopped before max_blocks" \
  test "$(grep -c '"complete": true' "$out2/result.json")" -lt 30
check "its result names signed-rank" \
  grep -q '"method": "SIGNED_RANK"' "$out2/result.json"
check "... and the median" grep -q '"run_statistic": "MEDIAN"' "$out2/result.json"
"$cell" --cell=x --backend=host --mode=interleaved --stop=adaptive \
  --blocks=10 --min_blocks=4 --sequential_method=t --branches="$branches" \
  --bytes=1M >"$TEST_TMPDIR/bad" 2>&1
bad_status=$?
check "a bad method exits 2" test "$bad_status" -eq 2
check "... with one line" test "$(wc -l <"$TEST_TMPDIR/bad")" -eq 1
check "... naming the flag" \
  grep -q "sequential_method must be mean-t or signed-rank" "$TEST_TMPDIR/bad"
if ((failures)); then
  tail -n 20 "$stdout"
  tail -n 20 "$stdout2"
fi
check_exit
