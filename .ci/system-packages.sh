#!/usr/bin/env bash
# Debian packages CI uses: a Korean font for label PDFs, poppler to read them back, zbar to scan
# their barcodes, redis-server for the scale-out job queue, gettext for the catalogue check and
# curl for the README smoke test, and Debian's chromium for the end-to-end tests (driven by
# Playwright with its executable path; no browser is ever downloaded). Installed only when missing. In CI a test that would skip for
# want of one of them fails instead (tests/skip_policy.py).
set -euo pipefail
missing=()
[ -e /usr/share/fonts/truetype/nanum/NanumGothic.ttf ] || missing+=(fonts-nanum)
command -v pdftoppm >/dev/null 2>&1 || missing+=(poppler-utils)
command -v zbarimg >/dev/null 2>&1 || missing+=(zbar-tools)
command -v fc-list >/dev/null 2>&1 || missing+=(fontconfig)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v msgfmt >/dev/null 2>&1 || missing+=(gettext)
command -v curl >/dev/null 2>&1 || missing+=(curl)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
if [ ${#missing[@]} -gt 0 ]; then
    echo "installing ${missing[*]}…" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq "${missing[@]}" >&2
fi
