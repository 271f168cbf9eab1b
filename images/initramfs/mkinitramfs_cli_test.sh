#!/usr/bin/env bash
# The CLI as the Bazel rule calls it: repeated entry flags, gzip, errors.
set -euo pipefail
bin="$TEST_SRCDIR/perfcell/images/initramfs/mkinitramfs"
cd "$TEST_TMPDIR"
printf '#!/bin/sh\n' >init.sh
chmod 755 init.sh
echo data >payload

"$bin" --output=a.cpio.gz --gzip --file=init=init.sh \
  --file=lib/modules/x.ko=payload:0600 --dir=newroot --dir proc \
  --symlink=bin/sh=busybox --node=dev/console=c:5:1:0600
listing=$(gzip -dc <a.cpio.gz | cpio -itv --quiet)
for want in '-rwxr-xr-x .* init$' '-rw------- .* lib/modules/x.ko$' \
  '^drwxr-xr-x .* newroot$' '^drwxr-xr-x .* proc$' 'bin/sh -> busybox$' \
  '^crw------- .* 5, *1 .* dev/console$'; do
  grep -Eq -- "$want" <<<"$listing" || {
    echo "missing '$want' in:"
    echo "$listing"
    exit 1
  }
done

SOURCE_DATE_EPOCH=86400 "$bin" --output=b.cpio --file=init=init.sh
cpio -itv --quiet <b.cpio | grep -q 'Jan  2  1970 init$'

if "$bin" --output=c.cpio --file=../init=init.sh 2>err.txt; then
  echo "a '..' path was accepted"
  exit 1
fi
grep -q '"../init"' err.txt
[[ ! -e c.cpio ]]
echo PASS
