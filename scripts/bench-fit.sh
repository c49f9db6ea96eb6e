#!/usr/bin/env bash
# FIT decoding: `slipstream bench` (columns and summarize stages) and fitdecode 0.11.0, the Python
# reference users have today, on the same generated FIT file in the same run.
#   scripts/bench-fit.sh [FILE.fit] [ITERATIONS]
# Without FILE, a FIT file of 4 ten-hour sessions (144,000 records) is generated first.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-deps.sh
swift build -c release --product slipstream >&2
bin=.build/release/slipstream
venv=.build/checkers-venv
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import fitdecode' 2>/dev/null; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check fitdecode==0.11.0
fi
file=${1:-}
iterations=${2:-3}
if [ -z "$file" ]; then
    file=$(mktemp --suffix=.fit)
    trap 'rm -f "$file"' EXIT
    "$bin" generate --format fit --seconds 36000 --activities 4 > "$file"
fi
ours=$("$bin" bench --format json --iterations "$iterations" "$file")
theirs=$("$venv/bin/python" - "$file" "$iterations" <<'PY'
import statistics, sys, time
import fitdecode
path, iterations = sys.argv[1], int(sys.argv[2])
times, values = [], 0
for _ in range(iterations):
    start = time.perf_counter()
    values = 0
    with fitdecode.FitReader(path) as reader:
        for frame in reader:
            if isinstance(frame, fitdecode.FitDataMessage) and frame.name == "record":
                values += sum(1 for field in frame.fields if field.value is not None and field.name != "timestamp")
    times.append(time.perf_counter() - start)
print(statistics.median(times), values)
PY
)
python3 - "$ours" "$theirs" "$file" <<'PY'
import json, sys
ours, (seconds, values), path = json.loads(sys.argv[1]), sys.argv[2].split(), sys.argv[3]
seconds = float(seconds)
# The same file holds the same samples for both: the ratio of samples/s is the ratio of times.
print(f"{path}: fitdecode 0.11.0 decodes it in {seconds:.2f} s (median; {int(values):,} field values of record messages)")
for stage in ours["stages"]:
    if stage.get("samples_per_second"):
        fitdecode_rate = stage["samples"] / seconds
        print(f"slipstream {stage['stage']:<10} {stage['median_seconds']:.3f} s, {stage['samples_per_second']:>12,.0f} samples/s"
              f" = {seconds / stage['median_seconds']:5.1f}x fitdecode's {fitdecode_rate:,.0f}  (peak RSS {stage['peak_rss_bytes'] / 1048576:.1f} MiB)")
PY
