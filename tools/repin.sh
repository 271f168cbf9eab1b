#!/usr/bin/env bash
# Re-pins the guest packages in tools/pins.bzl to what Debian's archive serves
# now: for each pin, the candidate version, downloaded once to compute its
# sha256 and put in the .deb cache. The kernel is re-pinned to the newest
# versioned cloud kernel that bookworm's main suite carries.
#
#   tools/repin.sh            rewrite tools/pins.bzl
#   tools/repin.sh --check    only say which pins are no longer fetchable
set -euo pipefail
cd "$(dirname "$0")/.."

check=0
[[ "${1:-}" == "--check" ]] && check=1
if [[ $(id -u) -ne 0 ]]; then
  echo "repin: run as root (sudo tools/repin.sh): it runs apt-get update" >&2
  exit 1
fi
# The cache Bazel reads is the invoking user's, also under sudo.
home="$HOME"
if [[ -n "${SUDO_USER:-}" ]]; then home=$(getent passwd "$SUDO_USER" | cut -d: -f6); fi
cache="${PERFCELL_DEB_CACHE:-$home/.cache/perfcell/debs}"
mkdir -p "$cache"
apt-get update -q >/dev/null

pins=tools/pins.bzl
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# key package version sha256, one pin a line, in file order.
mapfile -t entries < <(awk '
  /^    "[a-z_]+": struct\(/ { gsub(/[":]/, "", $1); key = $1 }
  /package = / { gsub(/[",]/, "", $3); pkg = $3 }
  /version = / { gsub(/[",]/, "", $3); ver = $3 }
  /sha256 = / { gsub(/[",]/, "", $3); print key, pkg, ver, $3 }' "$pins")

newest_kernel() {
  apt-cache search --names-only '^linux-image-6\.1\.0-[0-9]+-cloud-amd64$' \
    | awk '{print $1}' | while read -r p; do
      # Only versions that bookworm's main suite (not -security) serves.
      if apt-cache policy "$p" | grep -q ' bookworm/main '; then echo "$p"; fi
    done | sort -t- -k4,4n | tail -1
}

status=0
for e in "${entries[@]}"; do
  read -r key pkg ver sha <<<"$e"
  if apt-cache show "$pkg=$ver" >/dev/null 2>&1 || [[ -f "$cache/$sha.deb" ]]; then
    echo "repin: $key: $pkg=$ver still fetchable (or cached)"
    ((check)) && continue
  else
    echo "repin: $key: $pkg=$ver is gone from the archive"
    status=1
    ((check)) && continue
  fi
  newpkg="$pkg"
  [[ "$key" == linux_image ]] && newpkg=$(newest_kernel)
  newver=$(apt-cache policy "$newpkg" | awk '/Candidate:/ {print $2}')
  (cd "$tmp" && rm -f ./*.deb && apt-get download -q "$newpkg=$newver" >/dev/null)
  deb=$(ls "$tmp"/*.deb)
  newsha=$(sha256sum "$deb" | cut -d' ' -f1)
  cp "$deb" "$cache/$newsha.deb"
  if [[ "$newpkg $newver $newsha" != "$pkg $ver $sha" ]]; then
    echo "repin: $key: now $newpkg=$newver sha256 $newsha"
    sed -i -e "s|\"$pkg\"|\"$newpkg\"|; s|\"$ver\"|\"$newver\"|; s|\"$sha\"|\"$newsha\"|" "$pins"
    if [[ "$key" == linux_image ]]; then
      abi=${newpkg#linux-image-}
      sed -i "s|^KERNEL_ABI = .*|KERNEL_ABI = \"$abi\"|" "$pins"
    fi
  fi
done
if ((check)); then exit $status; fi
if [[ -n "${SUDO_USER:-}" ]]; then chown "$SUDO_USER": "$pins" "$cache" "$cache"/*.deb 2>/dev/null || true; fi
echo "repin: done; review with git diff tools/pins.bzl"
