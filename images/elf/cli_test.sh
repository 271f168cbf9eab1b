#!/usr/bin/env bash
# elfdeps and modorder as the image rules call them.
set -euo pipefail
dir="$TEST_SRCDIR/perfcell/images/elf"
cd "$TEST_TMPDIR"

"$dir/elfdeps" --binary=/bin/sh >lines.txt
grep -Eq '^/lib64/ld-linux-x86-64\.so\.2 /.*ld-linux-x86-64\.so\.2$' lines.txt
grep -Eq '^libc\.so\.6 /.*/libc\.so\.6$' lines.txt

"$dir/elfdeps" --binary=/bin/sh --format=manifest >manifest.txt
grep -Eq '^/lib/x86_64-linux-gnu/libc\.so\.6=/' manifest.txt

if "$dir/elfdeps" --binary=/bin/sh --default_dirs=/nonexistent 2>err.txt; then
  echo "elfdeps found libc in /nonexistent"
  exit 1
fi
grep -q 'libc.so.6 (needed by /bin/sh) not found' err.txt

if "$dir/modorder" --modules_dir=/nonexistent --want=virtio_blk 2>err.txt; then
  echo "modorder succeeded without modules"
  exit 1
fi
grep -q 'modorder: ' err.txt
echo PASS
