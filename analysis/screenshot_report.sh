#!/bin/bash
# Renders a perfcell report.html to a PNG with headless Chromium, to check by
# eye that the plots read well (and to keep a picture in the docs).
#
#   analysis/screenshot_report.sh /tmp/demo-report/report.html /tmp/report.png
#
# Needs Debian's chromium (apt-get install -y chromium). Runs offline: a new
# empty profile, no background networking, no component updates, no sync.
set -euo pipefail

if [[ $# -ne 2 ]]; then
  echo "usage: $0 REPORT_HTML OUT_PNG" >&2
  exit 2
fi
report="$1"
out="$2"
if [[ ! -f "${report}" ]]; then
  echo "$0: ${report}: no such file" >&2
  exit 2
fi
browser="$(command -v chromium || command -v chromium-browser || true)"
if [[ -z "${browser}" ]]; then
  echo "$0: chromium not found; install it with: apt-get install -y chromium" >&2
  exit 2
fi
profile="$(mktemp -d)"
trap 'rm -rf "${profile}"' EXIT
report_abs="$(cd "$(dirname "${report}")" && pwd)/$(basename "${report}")"
out_abs="$(cd "$(dirname "${out}")" && pwd)/$(basename "${out}")"

"${browser}" --headless --no-sandbox --disable-gpu --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --hide-scrollbars --user-data-dir="${profile}" \
  --screenshot="${out_abs}" --window-size=1400,3000 \
  "file://${report_abs}" >/dev/null 2>&1 || true

if [[ ! -s "${out_abs}" ]]; then
  echo "$0: chromium wrote no screenshot to ${out_abs}" >&2
  exit 1
fi
echo "wrote ${out_abs}"
