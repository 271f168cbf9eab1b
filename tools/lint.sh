#!/usr/bin/env bash
# Checks formatting: clang-format (C++ and proto) and buildifier (BUILD, .bzl).
# Exits non-zero listing the files that differ. `tools/lint.sh --fix` rewrites
# them instead.
set -euo pipefail
cd "$(dirname "$0")/.."

fix=0
[[ "${1:-}" == "--fix" ]] && fix=1

mapfile -t cc_files < <(git ls-files --cached --others --exclude-standard \
  '*.cc' '*.h' '*.proto' | while read -r f; do [[ -f "$f" ]] && echo "$f"; done)
bad=0
for f in "${cc_files[@]}"; do
  if ((fix)); then
    clang-format -i --style=file "$f"
  elif ! clang-format --style=file "$f" | cmp -s - "$f"; then
    echo "lint: needs clang-format: $f"
    bad=1
  fi
done

if command -v buildifier >/dev/null; then
  mapfile -t bzl_files < <(git ls-files --cached --others --exclude-standard \
    'BUILD' 'BUILD.bazel' '*/BUILD' '*/BUILD.bazel' '*.bzl' 'WORKSPACE' \
    | while read -r f; do [[ -f "$f" ]] && echo "$f"; done)
  if ((fix)); then
    buildifier "${bzl_files[@]}"
  elif ! buildifier --mode=check "${bzl_files[@]}"; then
    echo "lint: BUILD files need buildifier (tools/lint.sh --fix)"
    bad=1
  fi
else
  echo "lint: buildifier not found; BUILD files not checked (run tools/setup.sh)" >&2
fi

if ((bad)); then
  echo "lint: run tools/lint.sh --fix" >&2
  exit 1
fi
echo "lint: ${#cc_files[@]} C++/proto files and BUILD files formatted"
