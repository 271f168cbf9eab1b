#!/usr/bin/env bash
# Keeps http_layer_bench building and running: one tiny round per server,
# no big upload. Checks the table's shape, not its figures.
set -euo pipefail
out=$("$TEST_SRCDIR/perfcell/examples/chunkstore/http_layer_bench" \
  --rounds=1 --size_mib=1 --big_mib=0 2>"$TEST_TMPDIR/stderr.txt") || {
  cat "$TEST_TMPDIR/stderr.txt"
  exit 1
}
echo "$out"
grep -q '^upload 1 MiB ' <<<"$out"
grep -q '^download 1 MiB ' <<<"$out"
grep -q '^peak RSS MiB' <<<"$out"
