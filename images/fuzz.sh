#!/usr/bin/env bash
# The image tools' fuzzers: tools/fuzz.sh builds and runs every fuzzer of
# the repository, this runs its two of images/.
#
#   images/fuzz.sh [SECONDS]     # default 60 per fuzzer
exec "$(dirname "$0")/../tools/fuzz.sh" "${1:-60}" manifest_loader_fuzzer \
  plan_fuzzer
