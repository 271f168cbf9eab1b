#!/usr/bin/env bash
# The one set-up command for a fresh Debian 12 machine: installs everything
# perfcell builds, tests and runs with. Safe to run any number of times.
#
#   sudo tools/setup.sh        (or as root)
#
# Versions: Debian's archive keeps only the current version of a package in a
# suite, so packages are installed by name and the versions this project was
# checked with are listed in tools/setup_versions.txt; any difference is
# printed as a warning (results carry the versions that actually ran).
set -euo pipefail

cd "$(dirname "$0")/.."

PACKAGES=(
  # Build: Bazel 4.2.3 and the system libraries third_party/ links against.
  bazel-bootstrap g++ libabsl-dev libprotobuf-dev protobuf-compiler
  libre2-dev libcurl4-openssl-dev libext2fs-dev libgtest-dev libsqlite3-dev
  libssl-dev zlib1g-dev libbenchmark-dev libzip-dev
  # VMs and images: QEMU (TCG or KVM), e2fsprogs (e2fsck/debugfs check the
  # images), dpkg-dev for apt-get download of pinned guest packages.
  qemu-system-x86 qemu-utils e2fsprogs cpio dpkg-dev
  # Clients and tools the tests and benchmarks compare against.
  curl zip unzip procps git
  # Lint.
  clang-format
)

if [[ $(id -u) -ne 0 ]]; then
  echo "setup.sh: run as root (it installs Debian packages with apt-get)" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup.sh: installing ${missing[*]}"
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
else
  echo "setup.sh: all ${#PACKAGES[@]} Debian packages already installed"
fi

# buildifier (BUILD/.bzl formatter) ships as a binary inside an npm package.
BUILDIFIER_VERSION=8.2.1
if ! command -v buildifier >/dev/null \
   || ! buildifier --version 2>/dev/null | grep -q "$BUILDIFIER_VERSION"; then
  if command -v npm >/dev/null; then
    npm install -g --silent "@bazel/buildifier@${BUILDIFIER_VERSION}" \
      || echo "setup.sh: warning: buildifier not installed; tools/lint.sh will skip BUILD files" >&2
  else
    echo "setup.sh: warning: npm missing; tools/lint.sh will skip BUILD files" >&2
  fi
fi

echo "setup.sh: installed versions (checked-with version in brackets when different):"
while read -r name want; do
  [[ -z "$name" || "$name" == \#* ]] && continue
  have=$(dpkg-query -W -f='${Version}' "$name" 2>/dev/null || echo missing)
  if [[ "$have" == "$want" ]]; then
    printf '  %-24s %s\n' "$name" "$have"
  else
    printf '  %-24s %s  [checked with %s]\n' "$name" "$have" "$want"
  fi
done < tools/setup_versions.txt
if [[ -e /dev/kvm && -w /dev/kvm ]]; then
  echo "setup.sh: /dev/kvm present: VMs try KVM first (a KVM that QEMU cannot use falls back to TCG, and results say so)"
else
  echo "setup.sh: no usable /dev/kvm: VMs run under TCG emulation (slower, still real)"
fi
