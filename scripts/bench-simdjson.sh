#!/usr/bin/env bash
# `slipstream batch --jobs 1/2` on a tar.gz of payloads against simdjson On-Demand (Debian's
# libsimdjson-dev, one core, files already in memory) reading the same JSON: MB/s of JSON for each.
#   scripts/bench-simdjson.sh [ARCHIVE] [ROUNDS]
# Without ARCHIVE, a tar.gz of 100 one-hour payloads is generated (as scripts/bench-batch.sh does).
# Rounds alternate the three runs, so that a drift of the machine's speed favours none; medians printed.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-deps.sh
if ! dpkg -s libsimdjson-dev g++ > /dev/null 2>&1; then
    $(command -v sudo || true) apt-get install -y libsimdjson-dev g++ >&2
fi
swift build -c release --product slipstream >&2
bin=.build/release/slipstream
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
g++ -O3 -std=c++17 -o "$work/ondemand" Benchmarks/simdjson/ondemand.cpp -lsimdjson
archive=${1:-}
rounds=${2:-5}
if [ -z "$archive" ]; then
    mkdir "$work/rides"
    for seed in $(seq 1 100); do "$bin" generate --seconds 3600 --seed "$seed" > "$work/rides/ride-$seed.json"; done
    tar -czf "$work/rides.tar.gz" -C "$work" rides
    archive=$work/rides.tar.gz
fi
mkdir "$work/members"
tar -xzf "$archive" -C "$work/members"
mapfile -t files < <(find "$work/members" -type f | sort)
bytes=$(cat "${files[@]}" | wc -c)
echo "$archive: ${#files[@]} payloads, $bytes bytes of JSON"
now() { date +%s.%N; }
batch() { local s e; s=$(now); "$bin" batch -q --jobs "$1" "$archive" > /dev/null; e=$(now); awk "BEGIN {printf \"%.1f\", $bytes / 1e6 / ($e - $s)}"; }
simd() { "$work/ondemand" "${files[@]}" | sed -E 's/.* ([0-9.]+) MB\/s.*/\1/'; }
"$bin" batch -q "$archive" > /dev/null  # warm the page cache
one=(); two=(); simdjson=()
for i in $(seq 1 "$rounds"); do
    if [ $((i % 2)) -eq 1 ]; then
        one+=("$(batch 1)"); two+=("$(batch 2)"); simdjson+=("$(simd)")
    else
        simdjson+=("$(simd)"); two+=("$(batch 2)"); one+=("$(batch 1)")
    fi
    echo "round $i: batch --jobs 1 ${one[-1]} MB/s, --jobs 2 ${two[-1]} MB/s, simdjson on-demand ${simdjson[-1]} MB/s"
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
"$work/ondemand" "${files[@]}"
echo "median MB/s: batch --jobs 1 $(median "${one[@]}"), --jobs 2 $(median "${two[@]}"), simdjson on-demand (one core) $(median "${simdjson[@]}")"
