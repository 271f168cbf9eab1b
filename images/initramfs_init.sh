#!/bin/busybox sh
# /init of perfcell's initramfs (PID 1 until switch_root): load the virtio
# modules in the order /etc/modules.order gives (dependencies first), mount the
# base image read-only and hand over to /sbin/perfcell-init on it.
bb=/bin/busybox
fail() {
  echo "PERFCELL ERROR initramfs: $*"
  $bb sync
  $bb poweroff -f
}
$bb mount -t proc proc /proc
$bb mount -t sysfs sysfs /sys
$bb mount -t devtmpfs devtmpfs /dev
while read -r module; do
  [ -n "$module" ] || continue
  $bb insmod "/lib/modules/$module" || fail "insmod $module failed"
done </etc/modules.order

root=/dev/vda
for arg in $($bb cat /proc/cmdline); do
  case "$arg" in
    root=*) root="${arg#root=}" ;;
  esac
done
# virtio devices are probed asynchronously: wait up to 10 s for the disk.
i=0
while [ ! -b "$root" ]; do
  i=$((i + 1))
  [ "$i" -le 1000 ] || fail "no root device $root after 10 s"
  $bb usleep 10000
done
$bb mount -t ext4 -o ro "$root" /newroot || fail "cannot mount $root on /newroot"
[ -x /newroot/sbin/perfcell-init ] || fail "the base image has no /sbin/perfcell-init"
$bb umount /proc /sys /dev
exec $bb switch_root /newroot /sbin/perfcell-init
