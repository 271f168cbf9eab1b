#!/usr/bin/env bash
# Writes an mkext4 manifest (text proto) of the tree issue 13 found
# non-deterministic, to $1: a 3,000-entry (htree) directory with names of
# every length mod 4, hard links (one into that directory), symlinks over 60
# bytes (stored in a block), UTF-8 names and a FIFO. No sparse file: Bazel
# would hash it at its apparent size (mkext4's own determinism_test has one).
set -euo pipefail
{
  seq 1 3000 | awk '{ printf "entry { path: \"big/entry-%d-%s\" type: FILE content: \"%d\" }\n", $1, substr("abc", 1, $1 % 4), $1 }'
  echo 'entry { path: "links/a" type: FILE content: "shared" }'
  echo 'entry { path: "links/b" type: HARDLINK target: "links/a" }'
  echo 'entry { path: "big/hardlink-into-big" type: HARDLINK target: "links/a" }'
  printf 'entry { path: "long-symlink" type: SYMLINK target: "%s" }\n' "$(printf 'long/target/%.0s' {1..8})end"
  printf 'entry { path: "longer-symlink" type: SYMLINK target: "%s" }\n' "$(printf 'x%.0s' {1..300})"
  echo 'entry { path: "names/ünïcödé-名前" type: FILE content: "utf8" }'
  echo 'entry { path: "names/emoji-🙂" type: FILE content: "smile" }'
  echo 'entry { path: "names/fifo" type: FIFO }'
} >"$1"
