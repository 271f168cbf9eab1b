#!/usr/bin/env bash
# Prints "<sha256>  <real path>" (sha256sum's format), sorted by path, for
# every shared library (*.so, *.so.*) directly in the given directories,
# symlinks resolved and each file once. The host_libraries repository rule
# (tools/host_libraries.bzl) runs it over the directories a payload's ELF
# closure is searched in, and payload actions take its output as an input:
# a library that changes on the host changes their action keys.
#
#   host_libraries.sh /lib/x86_64-linux-gnu /usr/lib/x86_64-linux-gnu /lib64
set -euo pipefail
export LC_ALL=C
if (($# == 0)); then
  echo "usage: host_libraries.sh DIR..." >&2
  exit 2
fi
for dir in "$@"; do
  [[ -d "$dir" ]] || continue
  find -L "$dir" -mindepth 1 -maxdepth 1 -type f \( -name '*.so' -o -name '*.so.*' \) -print0
done | xargs -0 -r realpath -z -- | sort -zu | xargs -0 -r sha256sum -- | sort -k2
