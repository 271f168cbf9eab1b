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
# The shared manifest schema (images/manifest/manifest.proto, as mkext4 reads it):
# hard links share an inode, FIFOs are FIFOs.
cat >m.textproto <<'EOM'
entry { path: "bin/busybox" type: FILE source: "init.sh" }
entry { path: "bin/ash" type: HARDLINK target: "bin/busybox" }
entry { path: "run/ctl" type: FIFO mode: 0600 }
EOM
"$bin" --output=d.cpio --manifest=m.textproto --dir=newroot
mkdir d && (cd d && cpio -id --quiet <../d.cpio)
[[ $(stat -c %i d/bin/ash) == $(stat -c %i d/bin/busybox) ]]
[[ -p d/run/ctl ]]
[[ -d d/newroot ]]

# A hard link to a directory: one error naming the entry, no output.
cat >bad.textproto <<'EOM'
entry { path: "etc" type: DIR }
entry { path: "etc2" type: HARDLINK target: "etc" }
EOM
if "$bin" --output=e.cpio --manifest=bad.textproto 2>err.txt; then
  echo "a hard link to a directory was accepted"
  exit 1
fi
grep -q 'entry 1 ("etc2"): hard link target "etc" is a directory' err.txt
[[ ! -e e.cpio ]]
# A directory given as a file source: one line naming it, exit 1, no output
# (it used to give an empty member and exit 0).
mkdir -p srcdir
if "$bin" --output=f.cpio --file=init=srcdir 2>err.txt; then
  echo "a directory was accepted as a file source"
  exit 1
fi
grep -q '"srcdir": is a directory' err.txt
[[ $(wc -l <err.txt) == 1 ]]
[[ ! -e f.cpio ]]
# A directory as --manifest: the same.
if "$bin" --output=g.cpio --manifest=srcdir 2>err.txt; then
  echo "a directory was accepted as a manifest"
  exit 1
fi
grep -q '"srcdir": is a directory' err.txt
[[ ! -e g.cpio ]]
echo PASS
