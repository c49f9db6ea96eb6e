#!/usr/bin/env bash
# Speed-up of `slipstream batch --jobs 2` over `--jobs 1` on one archive, measured as alternating
# pairs so that both see the same machine (a shared VM's speed drifts between runs).
#   scripts/bench-batch.sh [ARCHIVE] [PAIRS]
# CEILING=1 also times two --jobs 1 processes on the two halves of the members against one on all:
# the speed-up two cores of this machine give to work that shares nothing, at the same moments.
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
now() { date +%s.%N; }
seconds() { local start end; start=$(now); "$bin" batch -q --jobs "$1" "$archive" > /dev/null; end=$(now); awk "BEGIN {print $end - $start}"; }
# Both halves of the members, each by its own --jobs 1 process at the same time: what two cores of
# this machine give to two jobs that share nothing (the ceiling for --jobs 2).
halves() {
    local start end
    start=$(now)
    "$bin" batch -q --jobs 1 "$split/a.tar.gz" > /dev/null & "$bin" batch -q --jobs 1 "$split/b.tar.gz" > /dev/null
    wait
    end=$(now)
    awk "BEGIN {print $end - $start}"
}
if [ -n "${CEILING:-}" ]; then
    split=$(mktemp -d)
    trap 'rm -rf "$split" ${work:+"$work"}' EXIT
    mkdir "$split/all"
    tar -xzf "$archive" -C "$split/all"
    (cd "$split/all" && find . -type f | sort > ../members && n=$(wc -l < ../members) \
        && head -n $((n / 2)) ../members > ../a && tail -n +$((n / 2 + 1)) ../members > ../b \
        && tar -czf ../a.tar.gz -T ../a && tar -czf ../b.tar.gz -T ../b)
fi
one=(); two=(); ratios=(); ceilings=()
for i in $(seq 1 "$pairs"); do
    # Which runs first alternates, so that a drift of the machine's speed favours neither.
    if (( i % 2 )); then a=$(seconds 1); b=$(seconds 2); else b=$(seconds 2); a=$(seconds 1); fi
    one+=("$a"); two+=("$b"); ratios+=("$(awk "BEGIN {print $a / $b}")")
    if [ -n "${CEILING:-}" ]; then
        h=$(halves); a=$(seconds 1)
        ceilings+=("$(awk "BEGIN {print $a / $h}")")
    fi
done
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {print (NR%2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2)}'; }
quartiles() { printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {printf "%.2fx..%.2fx", v[int((NR+3)/4)], v[int((3*NR+3)/4)]}'; }
printf 'archive: %s, %s pairs\n' "$archive" "$pairs"
printf 'jobs 1: median %.3f s\njobs 2: median %.3f s\nspeed-up (median of pair ratios): %.2fx (middle half %s)\n' \
    "$(median "${one[@]}")" "$(median "${two[@]}")" "$(median "${ratios[@]}")" "$(quartiles "${ratios[@]}")"
if [ -n "${CEILING:-}" ]; then
    printf 'ceiling, two --jobs 1 processes on halves vs one on all: %.2fx (middle half %s)\n' \
        "$(median "${ceilings[@]}")" "$(quartiles "${ceilings[@]}")"
fi
