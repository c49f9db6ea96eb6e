#!/usr/bin/env bash
# Speed-up of `slipstream batch --jobs 2` over `--jobs 1` on one archive, measured as alternating
# pairs so that both see the same machine (a shared VM's speed drifts between runs).
#   scripts/bench-batch.sh [ARCHIVE] [PAIRS]
# Without ARCHIVE, a tar.gz of RIDES payloads of RIDE_SECONDS each is generated first (default 100
# one-hour payloads, ~250 MB of JSON; RIDES=10 RIDE_SECONDS=36000 gives ten-hour rides of ~26 MB).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-deps.sh
swift build -c release --product slipstream >&2
bin=.build/release/slipstream
archive=${1:-}
pairs=${2:-10}
if [ -z "$archive" ]; then
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
    mkdir "$work/rides"
    for seed in $(seq 1 "${RIDES:-100}"); do
        "$bin" generate --seconds "${RIDE_SECONDS:-3600}" --seed "$seed" > "$work/rides/ride-$seed.json"
    done
    tar -czf "$work/rides.tar.gz" -C "$work" rides
    archive=$work/rides.tar.gz
fi
"$bin" batch -q "$archive" > /dev/null  # warm the page cache
seconds() { local start end; start=$(date +%s.%N); "$bin" batch -q --jobs "$1" "$archive" > /dev/null; end=$(date +%s.%N); awk "BEGIN {print $end - $start}"; }
one=(); two=(); ratios=()
for _ in $(seq 1 "$pairs"); do
    a=$(seconds 1); b=$(seconds 2)
    one+=("$a"); two+=("$b"); ratios+=("$(awk "BEGIN {print $a / $b}")")
done
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {print (NR%2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2)}'; }
printf 'archive: %s, %s pairs\n' "$archive" "$pairs"
printf 'jobs 1: median %.3f s\njobs 2: median %.3f s\nspeed-up (median of pair ratios): %.2fx\n' \
    "$(median "${one[@]}")" "$(median "${two[@]}")" "$(median "${ratios[@]}")"
