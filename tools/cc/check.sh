# The checks of a shell test, sourced by it (add //tools/cc:check.sh to its
# data):
#
#   source "$TEST_SRCDIR/$TEST_WORKSPACE/tools/cc/check.sh"
#   check "the cell passed" test "$status" -eq 0
#   ...
#   check_exit  # "N passed, M failed"; exit status 1 when any failed
#
# Each check runs COMMAND and prints "ok   WHAT" or "FAIL WHAT"; `failures`
# counts the failed ones so far.
failures=0 checks=0

check() {  # check WHAT COMMAND...
  local what=$1
  shift
  checks=$((checks + 1))
  if "$@"; then
    echo "ok   $what"
  else
    echo "FAIL $what"
    failures=$((failures + 1))
  fi
}

check_exit() {
  echo "$((checks - failures)) passed, $failures failed"
  exit $((failures > 0))
}
