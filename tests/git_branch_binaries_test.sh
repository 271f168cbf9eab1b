#!/usr/bin/env bash
set -euo pipefail
v1=$1 v2=$2 branches=$3
fail() { echo "FAIL: $*"; cat "$branches"; exit 1; }
[[ "$("$v1")" == "version 1" ]] || fail "v1 binary printed $("$v1")"
[[ "$("$v2")" == "version 2" ]] || fail "v2 binary printed $("$v2")"
grep -q '"v1": struct(label = "@hello_branches//:v1", commit = "ade4142c55084ac7f1dce63cedfaf1d9f3fdaaba", sha256 = "'"$(sha256sum "$v1" | cut -d' ' -f1)"'")' "$branches" \
  || fail "branches.bzl lacks v1's commit and sha256"
grep -q 'commit = "5e1b14f7ffff47e259188bfb81ac8bae10d685f0", sha256 = "'"$(sha256sum "$v2" | cut -d' ' -f1)"'"' "$branches" \
  || fail "branches.bzl lacks v2's commit and sha256"
echo "1 passed, 0 failed"
