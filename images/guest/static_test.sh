#!/usr/bin/env bash
# perfcell-init must run on a root file system with no shared libraries.
set -euo pipefail
bin="$TEST_SRCDIR/perfcell/images/guest/perfcell-init"
if readelf -lW "$bin" | grep -q INTERP; then
  echo "perfcell-init has a program interpreter: it is dynamically linked"
  exit 1
fi
if readelf -dW "$bin" | grep -q NEEDED; then
  echo "perfcell-init needs shared libraries:"
  readelf -dW "$bin" | grep NEEDED
  exit 1
fi
file -L "$bin" | grep -q 'statically linked'
echo PASS
