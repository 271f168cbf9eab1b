#!/usr/bin/env bash
# mkext4 gives the same bytes for the same tree, whatever the wall clock and
# whatever the process's memory held: two builds of one tree, a second apart,
# the second with glibc filling every fresh allocation with 0xa5
# (MALLOC_PERTURB_), must be byte-identical, and e2fsck -fn must pass.
#
# The tree has what exercises libext2fs's corners: a 3,000-entry (htree)
# directory with names of every length mod 4, hard links, a sparse file
# (300 MiB apparent, a few data blocks: a GiB would only slow cmp down),
# symlinks over 60 bytes (stored in a block, not in the inode), UTF-8 names
# and a FIFO.
set -euo pipefail
mkext4="$TEST_SRCDIR/perfcell/images/ext4/mkext4"
cd "$TEST_TMPDIR"
rm -rf src && mkdir -p src/big src/links src/names
(cd src/big && seq 1 3000 | awk '{ printf "entry-%d-%s\n", $1, substr("abc", 1, $1 % 4) }' | xargs touch)
echo one >src/big/entry-1-a
echo shared >src/links/a
ln src/links/a src/links/b
ln src/links/a src/big/hardlink-into-big
truncate -s 300M src/sparse
printf 'head' | dd of=src/sparse conv=notrunc status=none
printf 'middle' | dd of=src/sparse bs=1M seek=150 conv=notrunc status=none
printf 'tail' | dd of=src/sparse bs=1 seek=$((300 * 1024 * 1024 - 4)) conv=notrunc status=none
ln -s "$(printf 'long/target/%.0s' {1..8})end" src/long-symlink
ln -s "$(printf 'x%.0s' {1..300})" src/longer-symlink
echo utf8 >'src/names/ünïcödé-名前'
echo smile >'src/names/emoji-🙂'
mkfifo src/names/fifo

build() {
  SOURCE_DATE_EPOCH=1700000000 "$mkext4" --from_dir=src --owner=0:0 \
    --size=1G --out="$1"
}
build a.img
sleep 1  # a different wall clock must not matter
MALLOC_PERTURB_=165 build b.img
if ! cmp a.img b.img; then
  echo "two builds of the same tree differ:"
  cmp -l a.img b.img | head -20
  exit 1
fi
/sbin/e2fsck -fn a.img
# The content made it: the tree really exercised what it claims.
[[ $(/sbin/debugfs -R 'ls /big' a.img 2>/dev/null | grep -o 'entry-[0-9]*-' | wc -l) == 3000 ]]
/sbin/debugfs -R 'htree /big' a.img 2>/dev/null | grep -q 'Indirect levels'
/sbin/debugfs -R 'stat /longer-symlink' a.img 2>/dev/null | grep -q 'EXTENTS'
echo PASS
