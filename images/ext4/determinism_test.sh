#!/usr/bin/env bash
# mkext4 gives the same bytes for the same tree, whatever the wall clock and
# whatever the process's memory held: two builds of one tree, a second apart,
# the second with glibc filling every fresh allocation with 0xa5
# (MALLOC_PERTURB_), must be byte-identical, and e2fsck -fn must pass.
#
# The tree has what exercises libext2fs's corners: a 3,000-entry (htree)
# directory with names of every length mod 4, hard links, a sparse file
# (3 GiB apparent, three data blocks, larger than the 1 GiB image itself),
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
sparse_bytes=$((3 * 1024 * 1024 * 1024))
truncate -s "$sparse_bytes" src/sparse
printf 'head' | dd of=src/sparse conv=notrunc status=none
printf 'middle' | dd of=src/sparse bs=1M seek=1536 conv=notrunc status=none
printf 'tail' | dd of=src/sparse bs=1 seek=$((sparse_bytes - 4)) conv=notrunc status=none
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
# The sparse file kept its size and its three blocks, holes between them:
# (0), the middle one and the last of 786,432.
/sbin/debugfs -R 'stat /sparse' a.img 2>/dev/null >sparse.stat
grep -q "Size: $sparse_bytes\$" sparse.stat
grep -q '^(0):[0-9]*, (393216):[0-9]*, (786431):[0-9]*$' sparse.stat
echo PASS
