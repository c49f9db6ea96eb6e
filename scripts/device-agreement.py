#!/usr/bin/env python3
"""How far Slipstream's summaries are from the devices' own session totals, over FIT recordings.

    scripts/device-agreement.py [--slipstream BIN] FILE.fit...

For every activity (one per FIT session), compares what Slipstream computed from the samples with
what the device wrote in its session message (which `summarize` shows under slipstream.provider),
field by field, with the tolerances of the FIT issue, and prints a Markdown table and the share of
comparisons within tolerance. Needs only Python's standard library and a built slipstream.
"""
import argparse, json, subprocess, sys

# (column, Terra path of the computed value, path of the device's value, tolerance(device) -> allowed |difference|)
FIELDS = [
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


def get(obj, path):
    for key in path.split("."):
        if not isinstance(obj, dict):
            return None
        obj = obj.get(key)
    return obj


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--slipstream", default="slipstream")
    parser.add_argument("files", nargs="+")
    args = parser.parse_args()
    print("| recording | session | " + " | ".join(f[0] for f in FIELDS) + " |")
    print("|---|---|" + "---|" * len(FIELDS))
    within = total = 0
    misses = []
    for path in args.files:
        run = subprocess.run([args.slipstream, "summarize", path], capture_output=True, text=True)
        for index, line in enumerate(l for l in run.stdout.splitlines() if l.startswith("{")):
            activity = json.loads(line)
            device = activity["slipstream"]["provider"]
            cells = []
            for name, ours, theirs, tolerance in FIELDS:
                mine, them = get(activity, ours), get(device, theirs)
                if mine is None or them is None:
                    cells.append("")
                    continue
                total += 1
                ok = abs(mine - them) <= tolerance(them)
                within += ok
                if not ok:
                    misses.append(f"{path.split('/')[-1]} #{index} {name}: ours {mine:.6g}, device {them:.6g}")
                cells.append(f"{mine - them:+.3g}" + ("" if ok else " ✗"))
            print(f"| {path.split('/')[-1]} | {index} | " + " | ".join(cells) + " |")
    print(f"\n{within} of {total} comparisons within tolerance ({100 * within / max(1, total):.1f}%).")
    for miss in misses:
        print(f"- {miss}")


if __name__ == "__main__":
    sys.exit(main())
