#!/usr/bin/env bash
# Builds slipstream (release) and summarizes the bundled example payload.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-deps.sh
swift build -c release --product slipstream >&2
.build/release/slipstream summarize examples/xoss-morning-rides.json "$@"
