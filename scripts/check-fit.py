#!/usr/bin/env python3
"""Checks Slipstream's FIT decoder against fitdecode, an independent reading of the protocol.

    scripts/check-fit.py SLIPSTREAM FILE.fit...

For each file, `slipstream convert` gives every activity's samples; fitdecode gives the records and
sessions. Per session window, the number of samples per channel and the last distance must agree,
and the device totals Slipstream carries must be fitdecode's session values. Prints one line per
file and the closing line 'N passed, N failed'; exits 1 when any failed.
"""
import json, subprocess, sys

import fitdecode

CHANNELS = [  # (Terra path of the samples, value key, fitdecode field(s))
    (("heart_rate_data", "detailed", "hr_samples"), "bpm", ("heart_rate",)),
    (("power_data", "power_samples"), "watts", ("power",)),
    (("movement_data", "speed_samples"), "speed_meters_per_second", ("enhanced_speed", "speed")),
    (("distance_data", "detailed", "distance_samples"), "distance_meters", ("distance",)),
]


def dig(obj, path):
    for key in path:
        obj = (obj or {}).get(key)
    return obj


def check(slipstream, path):
    converted = subprocess.run([slipstream, "convert", "--ignore-crc", path], capture_output=True, text=True)
    activities = [a for line in converted.stdout.splitlines() for a in json.loads(line)["data"]]
    records, sessions = [], []
    with fitdecode.FitReader(path, check_crc=fitdecode.CrcCheck.DISABLED) as reader:
        for frame in reader:
            if isinstance(frame, fitdecode.FitDataMessage):
                values = {f.name: f.value for f in frame.fields if f.value is not None}
                if frame.name == "record" and "timestamp" in values:
                    records.append(values)
                elif frame.name == "session":
                    sessions.append(values)
    problems = []
    if len(activities) != max(1, len(sessions)) and records:
        problems.append(f"{len(activities)} activities for {len(sessions)} sessions")
    for activity in activities:
        ours = {name: len(dig(activity, path) or []) for path, _, name in CHANNELS}
        if len(activities) == 1:  # one window: every record counts
            theirs = {name: sum(1 for r in records if any(n in r for n in name)) for path, _, name in CHANNELS}
            if ours != theirs:
                problems.append(f"samples {ours} vs fitdecode {theirs}")
    for activity, session in zip(activities, sessions):
        device = {"avg_hr_bpm": session.get("avg_heart_rate"), "avg_watts": session.get("avg_power"),
                  "distance_meters": session.get("total_distance")}
        carried = {"avg_hr_bpm": dig(activity, ("heart_rate_data", "summary", "avg_hr_bpm")),
                   "avg_watts": dig(activity, ("power_data", "avg_watts")),
                   "distance_meters": dig(activity, ("distance_data", "summary", "distance_meters"))}
        for key, value in device.items():
            if value is not None and (carried[key] is None or abs(carried[key] - value) > 1e-6):
                problems.append(f"session {key}: ours {carried[key]}, fitdecode {value}")
    return problems


def main():
    slipstream, files = sys.argv[1], sys.argv[2:]
    passed = failed = 0
    for path in files:
        problems = check(slipstream, path)
        print(f"{'ok  ' if not problems else 'FAIL'} {path}" + "".join(f"\n     {p}" for p in problems))
        passed += not problems
        failed += bool(problems)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
