#!/usr/bin/env bash
# download_cold on a real host cell: with the chunkstore profile (its data
# survives a restart) every cold read is served by a freshly started server
# process, the restart outside the measured time; with the in-memory profile
# (a restart would lose the file) the server keeps running and only the
# caches are dropped, and the result says which.
set -uo pipefail
cell=$1 chunkstore=$2
branches="branch { binary { branch: \"baseline\" args: \"--debug_endpoints\" } server_binary: \"$chunkstore\" }"
source "$TEST_SRCDIR/$TEST_WORKSPACE/tools/cc/check.sh"
run() {  # run PROFILE: results in $TEST_TMPDIR/PROFILE/out, progress in .../stdout
  local dir=$TEST_TMPDIR/$1
  mkdir -p "$dir/out" "$dir/work"
  "$cell" --cell=cold --backend=host --mode=interleaved --blocks=1 \
    --baseline=baseline --workload=download_cold --bytes=1M --iterations=3 \
    --warmup=1 --api_profile="$1" --branches="$branches" \
    --out_dir="$dir/out" --work_dir="$dir/work" >"$dir/stdout" 2>&1
}
# Per server process (a "listening on ..., pid N" line), the number of
# downloads it served: "pid:count" lines, in start order.
downloads_per_server() {
  awk '/^chunkstore: listening on .*, pid [0-9]+$/ { if (pid) print pid ":" n; pid = $NF; n = 0 }
       /^GET \/-/ { n++ }
       END { if (pid) print pid ":" n }' "$1"
}

run chunkstore
status=$?
dir=$TEST_TMPDIR/chunkstore
log=$(ls "$dir"/out/console-*-baseline.log)
per_server=$(downloads_per_server "$log")
check "the chunkstore cell passed" test "$status" -eq 0
check "five server processes: the first, then one per cold read" \
  test "$(wc -l <<<"$per_server")" -eq 5
check "each one a different process" \
  test "$(cut -d: -f1 <<<"$per_server" | sort -u | wc -l)" -eq 5
check "the first served no download, each restarted one exactly one" \
  test "$(cut -d: -f2 <<<"$per_server" | tr '\n' ' ')" = "0 1 1 1 1 "
check "each stopped cleanly on SIGTERM before the next started" \
  test "$(grep -c '^chunkstore: stopped$' "$log")" -eq 4
check "every cold read says the server was restarted and the caches dropped" \
  test "$(grep -c '"server_restarted": true' "$dir/out/result.json")" -eq 4
check "... in result.json, with how long the restart took" \
  test "$(grep -c '"restart_seconds": [0-9]' "$dir/out/result.json")" -eq 4
check "... and in the progress lines" \
  test "$(grep -c 'iteration [1-4]/4.*(cold: server restarted in [0-9.]* s, caches dropped)' "$dir/stdout")" -eq 4

run in-memory
status=$?
dir=$TEST_TMPDIR/in-memory
log=$(ls "$dir"/out/console-*-baseline.log)
check "the in-memory cell passed" test "$status" -eq 0
check "one server process served every download" \
  test "$(downloads_per_server "$log")" = "$(downloads_per_server "$log" | head -1 | cut -d: -f1):4"
check "no iteration says the server was restarted" \
  bash -c '! grep -q "\"server_restarted\": true" "$1"' _ "$dir/out/result.json"
check "every one says the caches were dropped" \
  test "$(grep -c '"caches_dropped": true' "$dir/out/result.json")" -eq 4
check "the progress lines say why there was no restart" \
  test "$(grep -c '(cold: caches dropped; the profile allows no restart)' "$dir/stdout")" -eq 4

for p in chunkstore in-memory; do
  echo "--- $p: progress"
  cat "$TEST_TMPDIR/$p/stdout"
  echo "--- $p: downloads per server process (pid:downloads)"
  downloads_per_server "$(ls "$TEST_TMPDIR/$p"/out/console-*-baseline.log)"
done
check_exit
