#!/usr/bin/env python3
"""How far Slipstream's summaries are from the devices' own session totals, over FIT recordings.

    scripts/device-agreement.py [--slipstream BIN] [--write docs/METRICS.md] FILE.fit...

For every activity (one per FIT session), compares what Slipstream computed from the samples with
what the device wrote in its session message (which `summarize` shows under slipstream.provider;
the device's total_elapsed_time is read with fitdecode), field by field, with the tolerances of
docs/METRICS.md, and prints a Markdown table and the share of comparisons within tolerance. A
device value that its own records contradict (Slipstream's notes say so: a 0 where the records
carry values, a maximum or distance no record reaches) is shown as ⊘ and counted apart. With --write, the table replaces the one between
the markers in that file.
"""
import argparse, json, re, subprocess, sys

import fitdecode

# (column, Terra path of the computed value, path of the device's value, tolerance(device) -> allowed |difference|)
FIELDS = [
    ("elapsed", "slipstream.elapsed_seconds", None, lambda d: 2),
    ("avg HR", "heart_rate_data.summary.avg_hr_bpm", "heart_rate_data.summary.avg_hr_bpm", lambda d: 2),
    ("max HR", "heart_rate_data.summary.max_hr_bpm", "heart_rate_data.summary.max_hr_bpm", lambda d: 2),
    ("avg W", "power_data.avg_watts", "power_data.avg_watts", lambda d: max(0.02 * d, 3)),
    ("max W", "power_data.max_watts", "power_data.max_watts", lambda d: max(0.02 * d, 3)),
    ("avg cad", "movement_data.avg_cadence_rpm", "movement_data.avg_cadence_rpm", lambda d: 3),
    ("max cad", "movement_data.max_cadence_rpm", "movement_data.max_cadence_rpm", lambda d: 3),
    ("distance", "distance_data.summary.distance_meters", "distance_data.summary.distance_meters", lambda d: max(0.01 * d, 10)),
    ("avg speed", "movement_data.avg_speed_meters_per_second", "movement_data.avg_speed_meters_per_second", lambda d: max(0.01 * d, 0.05)),
    ("max speed", "movement_data.max_speed_meters_per_second", "movement_data.max_speed_meters_per_second", lambda d: max(0.05 * d, 0.3)),
    ("timer", "slipstream.timer_seconds", "active_durations_data.activity_seconds", lambda d: max(0.01 * d, 2)),
    ("ascent", "distance_data.summary.elevation.gain_actual_meters", "distance_data.summary.elevation.gain_actual_meters", lambda d: max(0.35 * d, 15)),
    ("descent", "distance_data.summary.elevation.loss_actual_meters", "distance_data.summary.elevation.loss_actual_meters", lambda d: max(0.35 * d, 15)),
]
BEGIN, END = "<!-- device-agreement: begin -->", "<!-- device-agreement: end -->"


def get(obj, path):
    for key in path.split("."):
        if not isinstance(obj, dict):
            return None
        obj = obj.get(key)
    return obj


def elapsed_times(path):
    """Each session's total_elapsed_time, as fitdecode reads it."""
    times = []
    with fitdecode.FitReader(path, check_crc=fitdecode.CrcCheck.DISABLED, error_handling=fitdecode.ErrorHandling.IGNORE) as reader:
        for frame in reader:
            if isinstance(frame, fitdecode.FitDataMessage) and frame.name == "session":
                times.append(frame.get_value("total_elapsed_time", fallback=None))
    return times


def table(slipstream, files):
    lines = ["| recording | session | " + " | ".join(f[0] for f in FIELDS) + " |", "|---|---|" + "---|" * len(FIELDS)]
    within = total = contradicted = 0
    misses, contradictions = [], []
    for path in files:
        name = path.split("/")[-1]
        run = subprocess.run([slipstream, "summarize", "--ignore-crc", path], capture_output=True, text=True)
        elapsed = elapsed_times(path)
        for index, line in enumerate(l for l in run.stdout.splitlines() if l.startswith("{")):
            activity = json.loads(line)
            device = activity["slipstream"].get("provider") or {}
            notes = " ".join(activity["slipstream"].get("notes") or [])
            cells = []
            for column, ours, theirs, tolerance in FIELDS:
                mine = get(activity, ours)
                them = get(device, theirs) if theirs else (elapsed[index] if index < len(elapsed) else None)
                if mine is None or them is None:
                    cells.append("")
                    continue
                if theirs and f"slipstream.provider's {theirs} (" in notes:
                    contradicted += 1
                    contradictions.append(f"{name} #{index} {column}: the device's {them:.6g}, its records' {mine:.6g}")
                    cells.append("⊘")
                    continue
                total += 1
                ok = abs(mine - them) <= tolerance(them)
                within += ok
                if not ok:
                    misses.append(f"{name} #{index} {column}: ours {mine:.6g}, device {them:.6g}")
                cells.append(f"{mine - them:+.3g}" + ("" if ok else " ✗"))
            lines.append(f"| {name} | {index} | " + " | ".join(cells) + " |")
    lines.append("")
    lines.append(f"{within} of {total} comparisons within tolerance ({100 * within / max(1, total):.1f}%); "
                 f"{contradicted} device values contradicted by their own records (⊘) not compared.")
    if misses:
        lines += ["", "Outside the tolerance:"] + [f"- {m}" for m in misses]
    if contradictions:
        lines += ["", "Contradicted by the records:"] + [f"- {c}" for c in contradictions]
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--slipstream", default="slipstream")
    parser.add_argument("--write", help="a Markdown file whose table between the markers is replaced")
    parser.add_argument("files", nargs="+")
    args = parser.parse_args()
    text = table(args.slipstream, args.files)
    print(text)
    if args.write:
        document = open(args.write).read()
        if BEGIN not in document or END not in document:
            sys.exit(f"{args.write}: no {BEGIN} … {END} markers")
        document = re.sub(re.escape(BEGIN) + ".*?" + re.escape(END), lambda _: f"{BEGIN}\n{text}\n{END}", document, flags=re.S)
        open(args.write, "w").write(document)


if __name__ == "__main__":
    sys.exit(main())
