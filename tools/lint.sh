#!/usr/bin/env bash
# Checks formatting: clang-format (C++ and proto) and buildifier (BUILD, .bzl),
# and that the stages use each other only through the contract (bazel query
# and build, below). Exits non-zero listing the files that differ or the
# edges that cross stages. `tools/lint.sh --fix` rewrites the files instead.
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

# Stages (images, runner, analysis, examples, tools) use nothing of each
# other but the contract (contract/, proto/), third_party/, tools/cc/ and
# the targets of tools/cross_stage_targets.txt; tests/ may use what grants
# it visibility. And Bazel refuses every edge of tests/forbidden_edges.
stage_check() {
  local allowed stage found label users out target
  allowed=$(sed 's/#.*//; s/[[:space:]]//g; /^$/d' \
    tools/cross_stage_targets.txt | paste -sd' ')
  for stage in images runner analysis examples tools; do
    found=$(bazel query --noimplicit_deps \
      "filter('^//', deps(//$stage/..., 1)) except //$stage/...:* \
       except //contract/...:* except //proto/...:* \
       except //third_party/...:* except //tools/cc/...:* \
       except set($allowed)" 2>/dev/null) || {
      echo "lint: bazel query of stage $stage failed"
      return 1
    }
    for label in $found; do
      users=$(bazel query --noimplicit_deps \
        "rdeps(//$stage/..., $label, 1) except $label" 2>/dev/null |
        paste -sd' ')
      echo "lint: $label is used across stages, by $users (only contract/," \
        "proto/, tools/cc/ and tools/cross_stage_targets.txt may be)"
    done
    [[ -z "$found" ]] || return 1
  done
  local -a forbidden
  mapfile -t forbidden < <(bazel query //tests/forbidden_edges:all 2>/dev/null)
  if ((${#forbidden[@]} == 0)); then
    echo "lint: no targets in //tests/forbidden_edges"
    return 1
  fi
  if out=$(bazel build --nobuild --keep_going "${forbidden[@]}" 2>&1); then
    echo "lint: the forbidden edges of //tests/forbidden_edges built"
    return 1
  fi
  for target in "${forbidden[@]}"; do
    if ! grep -q "is not visible from target '$target'" <<<"$out"; then
      echo "lint: $target was not refused for visibility:"
      echo "$out" | grep "ERROR" | head -5
      return 1
    fi
  done
}

# One definition of the guest's ports: contract/guest_layout.h.
stages_bad=0
if git grep -nwE --untracked '400[12]' -- . ':!contract/guest_layout.h'; then
  echo "lint: the guest's ports are defined once, in contract/guest_layout.h" \
    "(kServerPort, kMetricsPort); use those, or another example port"
  stages_bad=1
fi
if command -v bazel >/dev/null; then
  stage_check || stages_bad=1
else
  echo "lint: bazel not found; stages not checked (run tools/setup.sh)" >&2
fi

if ((bad)); then
  echo "lint: run tools/lint.sh --fix" >&2
fi
if ((bad || stages_bad)); then exit 1; fi
echo "lint: ${#cc_files[@]} C++/proto files and BUILD files formatted; stages apart"
