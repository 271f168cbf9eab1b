#!/usr/bin/env bash
# The images Bazel builds for the VMs are valid ext4 (e2fsck -fn finds
# nothing), hold their sources byte for byte, and are close to their content:
# no image output's apparent size is over twice what it allocates, since Bazel
# hashes and caches outputs at their apparent size. The data disks a run makes
# at run time with mkext4 are valid, empty, sparse and of the asked size.
set -uo pipefail
base=$1 payload=$2 initramfs=$3 mkext4=$4 init=$5 busybox=$6
source "$TEST_SRCDIR/$TEST_WORKSPACE/tools/cc/check.sh"
fsck_clean() { /sbin/e2fsck -fn "$1" >"$TEST_TMPDIR/fsck.log" 2>&1 || { cat "$TEST_TMPDIR/fsck.log"; false; }; }
same_as() { # same_as IMAGE PATH_IN_IMAGE SOURCE
  /sbin/debugfs -R "dump $2 $TEST_TMPDIR/dumped" "$1" >/dev/null 2>&1 && cmp -s "$TEST_TMPDIR/dumped" "$3"
}
apparent() { stat -L -c %s "$1"; }
allocated() { echo $(($(stat -L -c '%b*%B' "$1"))); }
near_content() { # apparent size <= 2 x allocated
  local a b
  a=$(apparent "$1") b=$(allocated "$1")
  echo "     $(basename "$1"): $a bytes apparent, $b allocated"
  ((a <= 2 * b))
}
mode_of() { /sbin/debugfs -R "stat $2" "$1" 2>/dev/null | grep -o 'Mode: *[0-7]*' | grep -o '[0-7]*$'; }

for img in "$base" "$payload" "$initramfs"; do
  check "apparent size at most 2x allocated: $(basename "$img")" near_content "$img"
done
for img in "$base" "$payload"; do
  check "e2fsck -fn clean: $(basename "$img")" fsck_clean "$img"
done
check "base holds perfcell-init byte for byte" same_as "$base" /sbin/perfcell-init "$init"
check "base holds busybox byte for byte" same_as "$base" /bin/busybox "$busybox"
check "perfcell-init is executable (0755)" test "$(mode_of "$base" /sbin/perfcell-init)" = "0755"
check "base has /sbin/init -> perfcell-init" \
  sh -c "/sbin/debugfs -R 'stat /sbin/init' '$base' 2>/dev/null | grep -q 'Fast link dest: \"perfcell-init\"'"
check "payload has its guest config" \
  sh -c "/sbin/debugfs -R 'cat /perfcell/guest.textproto' '$payload' 2>/dev/null | grep -q 'argv: \"/payload/bin/server\"'"
check "payload holds its libc" \
  sh -c "/sbin/debugfs -R 'ls -p /lib' '$payload' 2>/dev/null | grep -q '/libc.so.6/'"
check "initramfs is a gzip newc archive" \
  sh -c "gzip -dc '$initramfs' | cpio -it 2>/dev/null | grep -qx init"

# The data disks a run makes: the cell runner's invocation, exactly.
data=$TEST_TMPDIR/data.ext4 tiny=$TEST_TMPDIR/tiny.ext4
check "mkext4 makes a 50 GiB data disk" "$mkext4" --out="$data" --size=50G --label=perfcell-data
check "mkext4 makes a 24 MiB data disk" "$mkext4" --out="$tiny" --size=24M --label=perfcell-data
for img in "$data" "$tiny"; do
  check "e2fsck -fn clean: $(basename "$img")" fsck_clean "$img"
  check "$(basename "$img") holds only lost+found" \
    test "$(/sbin/debugfs -R 'ls -p /' "$img" 2>/dev/null | cut -d/ -f6 | grep -v '^\.*$' | grep -v '^$')" = "lost+found"
  check "$(basename "$img") is labelled perfcell-data" \
    sh -c "/sbin/dumpe2fs -h '$img' 2>/dev/null | grep -q 'volume name: *perfcell-data'"
done
check "50 GiB data disk is 50 GiB apparent" test "$(apparent "$data")" -eq $((50 << 30))
check "50 GiB data disk uses under 16 MiB" test "$(allocated "$data")" -lt $((16 << 20))
check "24 MiB data disk is 24 MiB apparent" test "$(apparent "$tiny")" -eq $((24 << 20))
check_exit
