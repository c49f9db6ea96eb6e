#!/usr/bin/env bash
# Two slipstream binaries (say, before and after a change) summarizing the same file in alternating
# pairs, which one goes first alternating: the median of the pairs' time ratios (before / after),
# which a drift of a shared machine's speed reaches alike.
#   scripts/bench-pairs.sh BEFORE AFTER FILE [PAIRS] [FLAGS FOR AFTER...]
# e.g. scripts/bench-pairs.sh /tmp/slipstream-old .build/release/slipstream large.json 20 --parse-threads 2
set -euo pipefail
before=$1 after=$2 file=$3 pairs=${4:-20}
shift $(($# < 4 ? $# : 4))
now() { date +%s.%N; }
seconds() { local s e; s=$(now); "$@" > /dev/null; e=$(now); awk "BEGIN {printf \"%.4f\", $e - $s}"; }
for i in $(seq 1 "$pairs"); do
    if [ $((i % 2)) -eq 0 ]; then
        b=$(seconds "$before" summarize "$file"); a=$(seconds "$after" summarize "$@" "$file")
    else
        a=$(seconds "$after" summarize "$@" "$file"); b=$(seconds "$before" summarize "$file")
    fi
    awk "BEGIN {print $b / $a}"
done | sort -n | awk '{r[NR] = $1} END {
    printf "median before/after %.3f (middle half %.3f..%.3f, %d pairs)\n", (NR % 2) ? r[(NR + 1) / 2] : (r[NR / 2] + r[NR / 2 + 1]) / 2,
        r[int(NR / 4) + 1], r[int(3 * NR / 4)], NR }'
