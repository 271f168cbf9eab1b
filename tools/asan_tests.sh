#!/usr/bin/env bash
# Runs the unit tests under AddressSanitizer, UndefinedBehaviorSanitizer and
# LeakSanitizer (`--config=asan` in .bazelrc): every test except the VM cells
# and matrices (tagged exclusive, external or manual) and those that boot or
# embed the guest's static PID 1 (a static binary cannot carry ASan).
#
#   tools/asan_tests.sh [more bazel test flags]
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t targets < <(bazel query --noshow_progress \
  'kind(".*_test", tests(//...))
   except attr(tags, "manual|exclusive|external", //...)
   except rdeps(//..., //images/guest:perfcell-init)' 2>/dev/null)
echo "asan_tests.sh: ${#targets[@]} tests under ASan, UBSan and LSan"
# No LeakSanitizer suppressions: every leak is ours to fix.
bazel test --config=asan "$@" -- "${targets[@]}"
