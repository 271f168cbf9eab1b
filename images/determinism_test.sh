#!/usr/bin/env bash
# Every image target gives the same bytes when built again: each argument
# pair is an image as Bazel built it and the same target's "rebuild" output
# group (tools/images.bzl: the same command in a second action, in another
# sandbox directory, a second later, under MALLOC_PERTURB_). The pairs cover
# both image rules and payload_image's generated manifests, and tricky_tree
# (a 3,000-entry htree directory, hard links, long symlinks, UTF-8 names, a
# FIFO). Across output bases and `bazel clean --expunge`:
# tools/image_determinism_check.sh (manual, builds everything twice).
set -uo pipefail
failures=0 pairs=0
while (($# >= 2)); do
  built=$1 rebuilt=$2
  shift 2
  pairs=$((pairs + 1))
  if [[ $(readlink -f "$built") == "$(readlink -f "$rebuilt")" ]]; then
    echo "FAIL $built: the rebuild is the same file, nothing was compared"
    failures=$((failures + 1))
  elif cmp -s "$built" "$rebuilt"; then
    echo "ok   $(basename "$built") ($(stat -L -c %s "$built") bytes) == $(basename "$rebuilt")"
  else
    echo "FAIL $(basename "$built") differs from $(basename "$rebuilt"):"
    cmp -l "$built" "$rebuilt" | head -10
    failures=$((failures + 1))
  fi
done
if ((pairs < 4)); then
  echo "FAIL only $pairs image pairs given"
  exit 1
fi
echo "$((pairs - failures))/$pairs images byte-identical when rebuilt"
((failures == 0))
