#!/bin/sh
# A perf_matrix cell: runs the cell binary with the arguments perf_matrix
# gave the test (runfiles-relative paths; Bazel starts tests in the runfiles
# tree of the main repository).
exec runner/cell/cell "$@"
