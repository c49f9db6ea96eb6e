#!/usr/bin/env bash
# Fuzzes the reader, summaries and writers with libFuzzer under AddressSanitizer.
#   scripts/fuzz.sh [SECONDS]     (default 60)
# Findings are written to Fuzz/findings/ (crash-*, leak-*, timeout-*); the seed corpus is Fuzz/corpus/.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-deps.sh
seconds=${1:-60}
cd Fuzz
swift build -c debug --scratch-path ../.build-fuzz -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library >&2
binary=../.build-fuzz/debug/FuzzSlipstream
mkdir -p findings work
# The repo's corpus seeds the run; what it finds goes to work/ (not committed).
"$binary" -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix=findings/ -print_final_stats=1 work corpus
