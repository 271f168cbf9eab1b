#!/usr/bin/env bash
# Makes each failure a cell must report happen for real, in a QEMU VM, and
# checks what a user would see: exit status 1, the reason on stderr and in
# result.json, the iterations measured before the failure kept, and no QEMU
# process left behind.
set -uo pipefail
cell=$1 kernel=$2 initramfs=$3 base=$4 mkext4=$5 good=$6 crashing=$7 hog=$8

failures=0
checks=0
check() {  # check NAME CONDITION-DESCRIPTION COMMAND...
  local name=$1 what=$2
  shift 2
  checks=$((checks + 1))
  if "$@"; then
    echo "ok   $name: $what"
  else
    echo "FAIL $name: $what"
    failures=$((failures + 1))
  fi
}

run_cell() {  # run_cell NAME PAYLOAD DATA_DISK_SIZE MEMORY BYTES WORKLOAD
  local name=$1
  out="$TEST_TMPDIR/$name/out"
  work="$TEST_TMPDIR/$name/work"
  mkdir -p "$out" "$work"
  "$cell" --cell="$name" --backend=qemu --memory_mib="$4" --bytes="$5" \
    --workload="$6" --iterations=3 --warmup=1 --boot_timeout_s=120 \
    --request_timeout_s=120 --kernel="$kernel" --initramfs="$initramfs" \
    --base_image="$base" --payload_image="$2" --mkext4="$mkext4" \
    --data_disk_size="$3" \
    --server_binary="$2" --out_dir="$out" --work_dir="$work" \
    >"$TEST_TMPDIR/$name/stdout" 2>"$TEST_TMPDIR/$name/stderr"
  status=$?
  echo "--- $name: exit $status; stderr tail:"
  tail -3 "$TEST_TMPDIR/$name/stderr"
}

no_qemu_left() { ! pgrep -f "qemu-system-x86_64.*$TEST_TMPDIR/$1/" >/dev/null; }
json_has() { grep -q "$2" "$TEST_TMPDIR/$1/out/result.json"; }
ok_iterations() { grep -c '"ok": true' "$TEST_TMPDIR/$1/out/result.json"; }

# 1. The server crashes on its second upload: iteration 1 is kept.
run_cell crash "$crashing" 50G 256 8M upload
check crash "exit status 1" test "$status" -eq 1
check crash "result says the server ended" json_has crash 'server in the guest ended'
check crash "result is FAILED" json_has crash '"status": "FAILED"'
check crash "the first upload is kept" test "$(ok_iterations crash)" -ge 1
check crash "no QEMU left" no_qemu_left crash

# 2. The server holds more memory than the 256 MiB VM has: the OOM killer.
run_cell oom "$hog" 50G 256 8M upload
check oom "exit status 1" test "$status" -eq 1
check oom "result names the OOM killer" json_has oom 'OOM killer'
check oom "console log kept" test -s "$TEST_TMPDIR/oom/out/console.log"
check oom "no QEMU left" no_qemu_left oom

# 3. The guest's data disk fills up (24 MiB disk, 16 MiB uploads).
run_cell full "$good" 24M 256 16M upload
check full "exit status 1" test "$status" -eq 1
check full "an upload was refused with HTTP 500 or 507" json_has full '"http_status": 50[07],\?$'
check full "no QEMU left" no_qemu_left full

# 4. Bazel's timeout kills the cell mid-run: what was measured is kept.
name=killed
mkdir -p "$TEST_TMPDIR/$name/out" "$TEST_TMPDIR/$name/work"
"$cell" --cell=$name --backend=qemu --memory_mib=256 --bytes=8M \
  --workload=download --iterations=200 --warmup=0 --kernel="$kernel" \
  --initramfs="$initramfs" --base_image="$base" --payload_image="$good" \
  --mkext4="$mkext4" --server_binary="$good" \
  --out_dir="$TEST_TMPDIR/$name/out" --work_dir="$TEST_TMPDIR/$name/work" \
  >"$TEST_TMPDIR/$name/stdout" 2>&1 &
pid=$!
for _ in $(seq 1 600); do
  grep -q 'iteration 2/' "$TEST_TMPDIR/$name/stdout" 2>/dev/null && break
  sleep 0.5
done
kill -TERM $pid
wait $pid
status=$?
check killed "exit status 143 (SIGTERM)" test "$status" -eq 143
check killed "result says killed" json_has killed 'killed by a signal'
check killed "iterations measured before are kept" test "$(ok_iterations killed)" -ge 2
sleep 1
check killed "no QEMU left" no_qemu_left killed

echo "$((checks - failures)) passed, $failures failed"
exit $((failures > 0))
