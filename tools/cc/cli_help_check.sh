#!/usr/bin/env bash
# Checks that a binary behaves like a good CLI (tools/cc/cli_flags.h):
# --help exits 0 and lists every flag its sources define with ABSL_FLAG, and
# an unknown flag exits 2 with one line on stderr that names the program.
#
#   cli_help_check.sh BINARY SOURCE...
set -uo pipefail
binary=$1
shift
program=$(basename "$binary")
failures=0
fail() { echo "FAIL $program: $*"; failures=$((failures + 1)); }

help=$("$binary" --help 2>&1) || fail "--help exited $?"
flags=$(sed -n 's/^ABSL_FLAG([^,]*, *\([a-z0-9_]*\),.*/\1/p' "$@" | sort -u)
[[ -n "$flags" ]] || fail "no ABSL_FLAG found in $*"
for flag in $flags; do
  grep -q -- "^  --$flag  " <<<"$help" || fail "--help does not list --$flag"
done
"$binary" --no_such_flag >/dev/null 2>"$TEST_TMPDIR/err"
status=$?
[[ $status -eq 2 ]] || fail "an unknown flag exited $status, not 2"
[[ $(wc -l <"$TEST_TMPDIR/err") -eq 1 ]] || fail "an unknown flag printed: $(cat "$TEST_TMPDIR/err")"
grep -q "^$program: unknown flag --no_such_flag" "$TEST_TMPDIR/err" ||
  fail "stderr does not name the program and the flag: $(cat "$TEST_TMPDIR/err")"
echo "$program: $(wc -w <<<"$flags") flags listed; $failures failures"
exit $((failures > 0))
