#!/usr/bin/env bash
# The images Bazel builds for the VMs are valid ext4 (e2fsck -fn finds
# nothing), stay sparse, and hold their sources byte for byte.
set -uo pipefail
base=$1 data=$2 tiny=$3 payload=$4 init=$5 busybox=$6
failures=0 passes=0
check() {
  local what=$1
  shift
  if "$@"; then
    passes=$((passes + 1))
    echo "ok   $what"
  else
    failures=$((failures + 1))
    echo "FAIL $what"
  fi
}
fsck_clean() { /sbin/e2fsck -fn "$1" >"$TEST_TMPDIR/fsck.log" 2>&1 || { cat "$TEST_TMPDIR/fsck.log"; false; }; }
same_as() {  # same_as IMAGE PATH_IN_IMAGE SOURCE
  /sbin/debugfs -R "dump $2 $TEST_TMPDIR/dumped" "$1" >/dev/null 2>&1 && cmp -s "$TEST_TMPDIR/dumped" "$3"
}
allocated_below() { (($(stat -L -c '%b*%B' "$1") < $2)); }
mode_of() { /sbin/debugfs -R "stat $2" "$1" 2>/dev/null | grep -o 'Mode: *[0-7]*' | grep -o '[0-7]*$'; }

for img in "$base" "$data" "$tiny" "$payload"; do
  check "e2fsck -fn clean: $(basename "$img")" fsck_clean "$img"
done
check "base holds perfcell-init byte for byte" same_as "$base" /sbin/perfcell-init "$init"
check "base holds busybox byte for byte" same_as "$base" /bin/busybox "$busybox"
check "perfcell-init is executable (0755)" test "$(mode_of "$base" /sbin/perfcell-init)" = "0755"
check "base has /sbin/init -> perfcell-init" \
  sh -c "/sbin/debugfs -R 'stat /sbin/init' '$base' 2>/dev/null | grep -q 'Fast link dest: \"perfcell-init\"'"
check "payload has its guest config" \
  sh -c "/sbin/debugfs -R 'cat /perfcell/guest.textproto' '$payload' 2>/dev/null | grep -q 'argv: \"/payload/bin/server\"'"
check "50 GiB data disk is 50 GiB apparent" test "$(stat -L -c %s "$data")" -eq $((50 << 30))
check "50 GiB data disk uses under 16 MiB" allocated_below "$data" $((16 << 20))
echo "$passes passed, $failures failed"
exit $((failures > 0))
