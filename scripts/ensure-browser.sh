#!/usr/bin/env bash
# The browser check's tools: Debian's chromium (apt) and Playwright for Python (PyPI) in the checkers'
# virtual environment. Playwright drives the Debian binary; it never downloads a browser.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v chromium >/dev/null; then
    echo "installing: chromium" >&2
    sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
fi
venv=.build/checkers-venv
if ! "$venv/bin/python" -c 'import playwright' 2>/dev/null; then
    "$venv/bin/pip" install --quiet --disable-pip-version-check playwright==1.65.2
fi
