#!/usr/bin/env bash
# Set up everything sikkerby needs on a fresh Debian machine with Python 3.11 (run as root).
#   scripts/setup.sh          Python packages (in .venv), the front-end assets (npm), and Debian's
#                             chromium, poppler-utils and fonts-dejavu-core for the PDF step
#   scripts/setup.sh --test   also the test tools: a Java runtime for the W3C HTML checker
set -euo pipefail
cd "$(dirname "$0")/.."
with_tests=0
[ "${1:-}" = "--test" ] && with_tests=1

say() { [ -n "${CI:-}" ] || echo "setup: $*" >&2; }

if [ ! -x .venv/bin/python ]; then
  say "creating .venv"
  python3 -m venv .venv
fi
say "installing Python packages"
target="."
[ $with_tests -eq 1 ] && target=".[test]"
# This machine's pip config names local mirrors that may be absent; hide only those notices.
.venv/bin/python -m pip install -q --disable-pip-version-check -e "$target" 2>&1 \
  | { grep -vE "^WARNING: Location .* is ignored|BuildBackendWarning|Editable installation|^ *(!!|\*+|Please be careful|name as your package|with strategy)|^ *$" || true; }

say "installing front-end assets (npm ci)"
npm ci --no-audit --no-fund --loglevel=error >/dev/null

# The build prints fact sheets and annual reports with Debian's chromium (never a downloaded
# browser) and reads PDFs with poppler; the card image uses DejaVu Sans. The tests also need a
# Java runtime for the W3C HTML checker.
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)
if [ $with_tests -eq 1 ]; then
  command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)
fi
if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${missing[*]} with apt-get"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
say "ready"
