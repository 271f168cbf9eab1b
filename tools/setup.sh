#!/usr/bin/env bash
# The one set-up command for a fresh Debian 12 machine: installs everything
# perfcell builds, tests and runs with. Safe to run any number of times.
#
#   tools/setup.sh       as root, or as a user who may sudo: it runs itself
#                        again through sudo (and says so)
#
# Versions: Debian's archive keeps only the current version of a package in a
# suite, so packages are installed by name and the versions this project was
# checked with are listed in tools/setup_versions.txt; any difference is
# printed as a warning (results carry the versions that actually ran).
set -euo pipefail

if [[ $(id -u) -ne 0 ]]; then
  if command -v sudo >/dev/null 2>&1; then
    echo "setup.sh: not root: running again through sudo (apt-get installs Debian packages as root)" >&2
    exec sudo -- bash "$(readlink -f "$0")" "$@"
  fi
  echo "setup.sh: run as root: it installs Debian packages with apt-get, and sudo is not installed." >&2
  echo "setup.sh: as root, run: bash $(readlink -f "$0")   (or: apt-get install sudo, then run it again)" >&2
  exit 1
fi

cd "$(dirname "$0")/.."

PACKAGES=(
  # Build: Bazel 4.2.3 and the system libraries third_party/ links against.
  bazel-bootstrap g++ libabsl-dev libprotobuf-dev protobuf-compiler
  libre2-dev libcurl4-openssl-dev libext2fs-dev libgtest-dev libsqlite3-dev
  libssl-dev zlib1g-dev libbenchmark-dev libzip-dev libcpp-httplib-dev
  # Header-only Boost (Boost.Math distributions in contract/stats).
  libboost-dev
  # Compressed kernel modules (.ko.xz, .ko.zst) for modorder.
  liblzma-dev libzstd-dev
  # VMs and images: QEMU (TCG or KVM), e2fsprogs (e2fsck/debugfs check the
  # images), dpkg-dev for apt-get download of pinned guest packages.
  qemu-system-x86 qemu-utils e2fsprogs cpio dpkg-dev
  # Clients and tools the tests and benchmarks compare against.
  curl zip unzip procps git xz-utils zstd
  # tools/remote_cache_check.sh: nginx as a Bazel HTTP cache (WebDAV PUT).
  # Debian 12's nginx package has the dav module built in (nginx -V:
  # --with-http_dav_module), enough for dav_methods PUT; nginx-light and
  # nginx-extras are flavours on top of it.
  nginx
  # Lint.
  clang-format
)

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
  if [[ " ${missing[*]} " == *" nginx "* ]] && command -v systemctl >/dev/null 2>&1 \
     && systemctl is-enabled --quiet nginx 2>/dev/null; then
    # perfcell runs its own nginx as the user (tools/remote_cache_check.sh);
    # the package's system service on port 80 is not wanted.
    echo "setup.sh: stopping and disabling the nginx system service the package just enabled"
    systemctl disable --now nginx >/dev/null 2>&1 || true
  fi
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
