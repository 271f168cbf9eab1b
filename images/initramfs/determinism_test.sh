#!/usr/bin/env bash
# mkinitramfs gives the same bytes for the same input, whatever the wall
# clock, the process's memory (MALLOC_PERTURB_) or SOURCE_DATE_EPOCH when
# --mtime is given: two builds a second apart must be byte-identical (plain
# and gzip), and cpio must unpack the archive.
#
# The input matches mkext4's determinism_test: a 3,000-entry directory, hard
# links, a sparse source file (32 MiB apparent: newc stores it dense, so a
# few hundred MiB would only slow the test), symlinks over 60 bytes, UTF-8
# names and a FIFO.
set -euo pipefail
bin="$TEST_SRCDIR/perfcell/images/initramfs/mkinitramfs"
cd "$TEST_TMPDIR"
truncate -s 32M sparse
printf 'middle' | dd of=sparse bs=1M seek=16 conv=notrunc status=none
echo shared >shared
{
  seq 1 3000 | awk '{ printf "entry { path: \"big/entry-%d-%s\" type: FILE content: \"%d\" }\n", $1, substr("abc", 1, $1 % 4), $1 }'
  echo 'entry { path: "links/a" type: FILE source: "shared" }'
  echo 'entry { path: "links/b" type: HARDLINK target: "links/a" }'
  echo 'entry { path: "big/hardlink-into-big" type: HARDLINK target: "links/a" }'
  echo 'entry { path: "sparse" type: FILE source: "sparse" }'
  printf 'entry { path: "long-symlink" type: SYMLINK target: "%s" }\n' "$(printf 'long/target/%.0s' {1..8})end"
  printf 'entry { path: "longer-symlink" type: SYMLINK target: "%s" }\n' "$(printf 'x%.0s' {1..300})"
  echo 'entry { path: "names/ünïcödé-名前" type: FILE content: "utf8" }'
  echo 'entry { path: "names/emoji-🙂" type: FILE content: "smile" }'
  echo 'entry { path: "names/fifo" type: FIFO }'
} >m.textproto

for gzip in false true; do
  SOURCE_DATE_EPOCH=1 "$bin" --manifest=m.textproto --mtime=1700000000 \
    --gzip=$gzip --output=a.cpio
  sleep 1  # a different wall clock must not matter
  SOURCE_DATE_EPOCH=2 MALLOC_PERTURB_=165 "$bin" --manifest=m.textproto \
    --mtime=1700000000 --gzip=$gzip --output=b.cpio
  if ! cmp a.cpio b.cpio; then
    echo "two builds (gzip=$gzip) of the same manifest differ"
    exit 1
  fi
done
rm -rf x && mkdir x
(cd x && gzip -dc <../a.cpio | cpio -id --quiet)
[[ $(ls x/big | wc -l) == 3001 ]]
[[ $(stat -c %i x/links/a) == $(stat -c %i x/big/hardlink-into-big) ]]
cmp sparse x/sparse
[[ -p x/names/fifo ]]
[[ $(cat 'x/names/ünïcödé-名前') == utf8 ]]
[[ $(readlink x/longer-symlink) == "$(printf 'x%.0s' {1..300})" ]]
echo PASS
