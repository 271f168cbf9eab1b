#!/usr/bin/env bash
# Builds image targets in two fresh Bazel output bases, one after the other,
# and compares their bytes: each build starts from nothing, as after
# `bazel clean --expunge` (tools, images and every intermediate rebuilt, at
# another wall-clock time and under another absolute path), without touching
# the shared output base or its server. No disk or remote cache, so nothing
# is fetched instead of built. Both servers exit on their own when idle.
#
#   tools/image_determinism_check.sh            # every image target of //images
#   tools/image_determinism_check.sh //images:base
#
# Manual (two full builds, minutes of CPU): run it before a release or when
# an image writer changes. //images:determinism_test is the per-commit check
# (a second action in the same output base).
set -euo pipefail
cd "$(dirname "$0")/.."
if (($# == 0)); then
  set -- //images:base //images:initramfs //images:tiny_payload //images:tricky_tree
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/image_determinism.XXXXXX")
echo "output bases and copies under $work"

build() { # build SIDE: builds every target in its own output base, copies the images
  local side=$1 base="$work/$1" bin target pkg name out
  shift
  bazel --output_base="$base" --max_idle_secs=30 build \
    --symlink_prefix=/ --disk_cache= --remote_cache= "$@" >"$work/$side.log" 2>&1 ||
    {
      tail -20 "$work/$side.log"
      echo "image_determinism_check: the $side build failed (log: $work/$side.log)" >&2
      exit 1
    }
  bin=$(bazel --output_base="$base" --max_idle_secs=30 info --symlink_prefix=/ bazel-bin 2>/dev/null)
  mkdir -p "$work/$side.images"
  for target in "${targets[@]}"; do
    pkg=${target#//}
    pkg=${pkg%%:*}
    name=${target##*:}
    out=""
    for f in "$bin/$pkg/$name.ext4" "$bin/$pkg/$name.cpio.gz"; do
      [[ -f $f ]] && out=$f
    done
    if [[ -z $out ]]; then
      echo "image_determinism_check: $target left no $name.ext4 or $name.cpio.gz" >&2
      exit 1
    fi
    cp --sparse=always "$out" "$work/$side.images/${pkg//\//_}_$(basename "$out")"
  done
}

targets=("$@")
build a "${targets[@]}"
sleep 2 # another wall clock
build b "${targets[@]}"

failures=0
for a in "$work"/a.images/*; do
  b="$work/b.images/$(basename "$a")"
  if cmp -s "$a" "$b"; then
    echo "ok   $(basename "$a"): identical across output bases"
  else
    echo "FAIL $(basename "$a") differs across output bases:"
    cmp -l "$a" "$b" | head -10
    failures=$((failures + 1))
  fi
done
((failures == 0)) && echo "every image identical; remove $work when done"
((failures == 0))
