#!/usr/bin/env bash
# An interleaved cell on the host backend, for real, in both interleaves:
# with --interleave=requests the runs of a block take turns one iteration
# at a time (the progress lines of a block alternate between its branches in
# the block's order); with --interleave=runs each run goes through whole.
set -uo pipefail
cell=$1 chunkstore=$2
branches=""
for b in baseline same slow; do
  extra=""
  [[ $b == slow ]] && extra='args: "--slowdown_percent=50"'
  branches+="branch { binary { branch: \"$b\" args: \"--debug_endpoints\" $extra } server_binary: \"$chunkstore\" }
"
done
source "$TEST_SRCDIR/$TEST_WORKSPACE/tools/cc/check.sh"
run() {  # run INTERLEAVE: the cell's progress in $TEST_TMPDIR/INTERLEAVE/stdout
  local dir=$TEST_TMPDIR/$1
  mkdir -p "$dir/out" "$dir/work"
  "$cell" --cell=lockstep --backend=host --mode=interleaved --interleave="$1" \
    --blocks=2 --baseline=baseline --workload=download --bytes=1M \
    --iterations=4 --warmup=1 --branches="$branches" \
    --out_dir="$dir/out" --work_dir="$dir/work" >"$dir/stdout" 2>&1
}
# The branches of block N's iteration lines, in the order they ran.
iteration_branches() {  # iteration_branches INTERLEAVE N
  sed -n "s|^perfcell: block $2/2 \([a-z~]*\): iteration .*|\1|p" \
    "$TEST_TMPDIR/$1/stdout" | tr '\n' ' '
}
# The block's order as the result records it, e.g. "same slow baseline"
# (the Nth "order" list of the result's blocks).
block_order() {  # block_order INTERLEAVE N
  tr -d '\n ' <"$TEST_TMPDIR/$1/out/result.json" |
    grep -o '"order":\[[^]]*\]' | sed -n "$2p" |
    sed 's/"order":\[//; s/\]//; s/"//g; s/,/ /g'
}

run requests
check "the lockstep cell passed" test $? -eq 0
check "the result says how the runs were interleaved" \
  grep -q '"interleave": "REQUESTS"' "$TEST_TMPDIR/requests/out/result.json"
for n in 1 2; do
  order=$(block_order requests $n)
  want=""
  for i in 1 2 3 4 5; do want+="$order "; done
  want=$(echo $want | tr -s ' ')
  got=$(echo $(iteration_branches requests $n))
  check "block $n: one iteration per branch in turn ($order)" test "$got" = "$want"
  [[ $got == "$want" ]] || echo "     got: $got"
done

run runs
check "the cell with whole runs passed" test $? -eq 0
check "its result says runs" \
  grep -q '"interleave": "RUNS"' "$TEST_TMPDIR/runs/out/result.json"
for n in 1 2; do
  want=""
  for b in $(block_order runs $n); do want+="$b $b $b $b $b "; done
  want=$(echo $want)
  got=$(echo $(iteration_branches runs $n))
  check "block $n: each run whole, in the block's order" test "$got" = "$want"
  [[ $got == "$want" ]] || echo "     got: $got"
done
if ((failures)); then tail -n 20 "$TEST_TMPDIR"/*/stdout; fi
check_exit
