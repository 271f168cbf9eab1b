#!/bin/sh
# Passes when a Starlark test's results file (one failure a line) is empty.
if [ -s "$1" ]; then
  echo "Starlark checks failed:"
  cat "$1"
  exit 1
fi
echo "all Starlark checks passed"
