#!/usr/bin/env bash
# A real host cell records, per run, the argv its server was started with
# (Run.server_argv: the program made absolute, the branch's arguments as the
# cell passed them), and a VM cell refuses server arguments given to the
# cell: a VM's server reads its own from its payload, so the result could
# only record arguments the guest never read.
set -uo pipefail
cell=$1 chunkstore=$2
out=$TEST_TMPDIR/out work=$TEST_TMPDIR/work
mkdir -p "$out" "$work"
branches="branch { binary { branch: \"baseline\" args: \"--debug_endpoints\" } server_binary: \"$chunkstore\" }
branch { binary { branch: \"quiet\" args: \"--debug_endpoints\" args: \"--slowdown_percent=0\" } server_binary: \"$chunkstore\" }"
"$cell" --cell=argv --backend=host --mode=interleaved --blocks=2 \
  --baseline=baseline --workload=upload --bytes=64K --iterations=1 \
  --warmup=0 --branches="$branches" \
  --out_dir="$out" --work_dir="$work" >"$TEST_TMPDIR/stdout" 2>"$TEST_TMPDIR/stderr"
status=$?
source "$TEST_SRCDIR/$TEST_WORKSPACE/tools/cc/check.sh"
# result.json without white space: one run's fields on one stretch (JSON
# leaves out fields at their default, e.g. "index": 0).
json=$(tr -d ' \n' <"$out/result.json")
server="$PWD/$chunkstore"
runs_with() {  # runs_with BRANCH ARGV_JSON: how many runs record that argv
  grep -Eo "\"branch\":\"$1\",(\"index\":[0-9]+,)?[^}]*\"server_argv\":\[\"$server\",$2\]" <<<"$json" | wc -l
}
check "the cell passed" test "$status" -eq 0
check "both runs of baseline record its argv" \
  test "$(runs_with baseline '"--debug_endpoints"')" -eq 2
check "both runs of quiet record its argv" \
  test "$(runs_with quiet '"--debug_endpoints","--slowdown_percent=0"')" -eq 2
check "every run records one" test "$(grep -o '"server_argv":' <<<"$json" | wc -l)" -eq 4
check "the spec keeps the arguments the cell passed" \
  grep -q '"branch":"quiet","sha256":"[0-9a-f]*","args":\["--debug_endpoints","--slowdown_percent=0"\]' <<<"$json"
check "no warning about the arguments" bash -c '! grep -q "arguments" "$1"' _ "$TEST_TMPDIR/stderr"

"$cell" --cell=vm_args --backend=qemu --branches="$branches" --mode=interleaved \
  --out_dir="$TEST_TMPDIR/vm_out" --work_dir="$TEST_TMPDIR/vm_work" \
  >"$TEST_TMPDIR/vm_stdout" 2>"$TEST_TMPDIR/vm_stderr"
vm_status=$?
check "a VM cell given server arguments fails" test "$vm_status" -eq 1
check "... saying where they go instead" \
  grep -q 'branch "baseline": server arguments given to the cell reach only the host backend.s server; a VM.s server reads its arguments from its payload' "$TEST_TMPDIR/vm_stderr"

echo "--- result.json runs"
grep -o '"runs":\[[^]]*\]' <<<"$json" | head -2
echo "--- stderr"
cat "$TEST_TMPDIR/stderr" "$TEST_TMPDIR/vm_stderr"
check_exit
