#!/usr/bin/env python3
"""Checks Slipstream's FIT decoder against two independent readings of the protocol: fitdecode and
Garmin's own FIT SDK for Python (garmin-fit-sdk).

    scripts/check-fit.py SLIPSTREAM FILE.fit...

For each file (chained files included):
- message counts per type: fitdecode and the SDK must agree (record, session, lap, length, event,
  hr, device_info...), and Slipstream must give one activity per session;
- every record field Slipstream maps (heart rate, power, cadence, speed, distance, altitude,
  position, temperature), record by record in time order: `slipstream columns` must hold the
  decoders' values (where `hr` messages exist, heart rate as the SDK merges them, see WHY);
- the session totals Slipstream carries under slipstream.provider must be both decoders' values.

Where the two decoders read a file differently, the line says which is right and why (see WHY).
Prints one line per file and the closing line 'N passed, N failed'; exits 1 when any failed.
"""
import csv, io, json, math, subprocess, sys

import fitdecode
from garmin_fit_sdk import Decoder, Stream, hr_mesg_utils

# Known disagreements between the two decoders, and which one Slipstream follows.
WHY = {
    "hr-merge": "hr messages: the SDK merges their beats into the records' heart rate (its HrMesgUtils), overwriting a "
    "record's own; fitdecode leaves them apart, and places the beats after an anchor wrongly (12-bit event times not "
    "accumulated: a beat 0.25 s after its anchor comes out 2.3 s after it). The SDK's merge is the reference, except that "
    "Slipstream keeps a record's own heart rate (the device's own totals follow its records: the FR935's avg 80 bpm is "
    "its records', 85 with the beats merged over them)",
    "compressed": "the SDK (21.218) stops at the first compressed-timestamp header ('not currently supported'); fitdecode "
    "reads them as the FIT protocol defines them, and is the reference for this file",
    "damaged": "the file is damaged: both decoders stop at the damage; what they read before it is compared",
}

# Plausible values (Slipstream's schema): outside them a value is a glitch, not stored.
PLAUSIBLE = {"heart_rate": (1, 300), "power": (0, 3000), "cadence": (0, 300), "speed": (0, 150), "distance": (0, 1e8),
             "elevation": (-500, 9000), "lat": (-90, 90), "lng": (-180, 180), "temperature": (-60, 70)}
SEMICIRCLE = 180 / 2**31


def record_values(r):
    """A record's mapped fields, in Slipstream's units, from a decoder's field dict (raw names)."""
    v = {}
    if r.get("heart_rate") is not None:
        v["heart_rate"] = r["heart_rate"]
    if r.get("power") is not None:
        v["power"] = r["power"]
    if r.get("cadence") is not None:
        v["cadence"] = r["cadence"] + (r.get("fractional_cadence") or 0)
    speed = r.get("enhanced_speed") if r.get("enhanced_speed") is not None else r.get("speed")
    if speed is not None:
        v["speed"] = speed
    if r.get("distance") is not None:
        v["distance"] = r["distance"]
    altitude = r.get("enhanced_altitude") if r.get("enhanced_altitude") is not None else r.get("altitude")
    if altitude is not None:
        v["elevation"] = altitude
    if r.get("position_lat") is not None and r.get("position_long") is not None:
        v["lat"], v["lng"] = r["position_lat"] * SEMICIRCLE, r["position_long"] * SEMICIRCLE
    if r.get("temperature") is not None:
        v["temperature"] = r["temperature"]
    return {k: x for k, x in v.items() if isinstance(x, (int, float)) and PLAUSIBLE[k][0] <= x <= PLAUSIBLE[k][1]
            and not (k == "heart_rate" and x <= 0)}


def scalar(x):
    return x[0] if isinstance(x, (list, tuple)) else x


def read_fitdecode(path):
    """Message counts, records and sessions; whether the file broke before its end."""
    counts, records, sessions, broke = {}, [], [], False
    try:
        with fitdecode.FitReader(path, check_crc=fitdecode.CrcCheck.DISABLED,
                                 error_handling=fitdecode.ErrorHandling.IGNORE) as reader:
            for frame in reader:
                if isinstance(frame, fitdecode.FitDataMessage):
                    counts[frame.name] = counts.get(frame.name, 0) + 1
                    values = {}
                    for f in frame.fields:  # a name can come twice (a field and its expansion): the first value
                        value = f.raw_value if f.name.startswith("position") else f.value
                        if values.get(f.name) is None:
                            values[f.name] = value
                    if frame.name == "record":
                        records.append(values)
                    elif frame.name == "session":
                        sessions.append(values)
    except (fitdecode.FitError, EOFError):
        broke = True
    return counts, records, sessions, broke


def sdk_hr_messages(path):
    """The hr messages of every file of the chain, each file decoded by the SDK on its own (the SDK
    stops a whole chain at the first compressed-timestamp record; fitdecode misplaces beats after
    the anchor, so it cannot be the reference for them)."""
    data, messages, at = open(path, "rb").read(), [], 0
    while at + 12 <= len(data):
        size = data[at] + int.from_bytes(data[at + 4:at + 8], "little") + 2
        decoded, _ = Decoder(Stream.from_byte_array(bytearray(data[at:at + size]))).read(merge_heart_rates=False)
        messages += decoded.get("hr_mesgs", [])
        at += size
    return messages


def merged_heart_rates(path, records):
    """The SDK's merge (HrMesgUtils) of the chain's hr messages into fitdecode's records; a
    record's own heart rate stands (see WHY)."""
    timed = [r for r in records if r.get("timestamp") is not None]
    copies = [dict(r, heart_rate=None) for r in timed]
    hr_mesg_utils.merge_heart_rates(sdk_hr_messages(path), copies)
    return [dict(o, heart_rate=o.get("heart_rate") if o.get("heart_rate") is not None else c.get("heart_rate")) for o, c in zip(timed, copies)]


def read_sdk(path):
    messages, errors = Decoder(Stream.from_file(path)).read(merge_heart_rates=True, convert_datetimes_to_dates=False)
    counts = {}
    for key, value in messages.items():
        name = key[:-6] if isinstance(key, str) and key.endswith("_mesgs") else str(key)
        counts[name] = len(value)
    return counts, messages.get("record_mesgs", []), messages.get("session_mesgs", []), errors


def ordered(records):
    """Channel by channel, the values in time order, the last of equal timestamps kept (as
    Slipstream keeps them: some devices write a record per quantity, several a second)."""
    channels = {}
    for r in records:
        if r.get("timestamp") is None:
            continue
        for channel, value in record_values(r).items():
            channels.setdefault(channel, {})[r["timestamp"]] = value
    return {channel: [by_time[t] for t in sorted(by_time)] for channel, by_time in channels.items()}


def ours_ordered(rows):
    """The same of Slipstream's columns (every activity's rows: chained copies of one ride collapse)."""
    channels = {}
    for row in rows:
        for channel in PLAUSIBLE:
            if row.get(channel) not in (None, ""):
                channels.setdefault(channel, {})[row["timestamp"]] = float(row[channel])
    return {channel: [by_time[t] for t in sorted(by_time)] for channel, by_time in channels.items()}


def ours(slipstream, path):
    run = subprocess.run([slipstream, "columns", "--ignore-crc", path], capture_output=True, text=True)
    rows = list(csv.DictReader(io.StringIO(run.stdout)))
    summaries = subprocess.run([slipstream, "summarize", "--ignore-crc", path], capture_output=True, text=True)
    activities = [json.loads(line) for line in summaries.stdout.splitlines() if line.startswith("{")]
    return rows, activities


def close(a, b, channel):
    tolerance = 1e-6 if channel in ("lat", "lng") else max(1e-3, 1e-6 * abs(b))
    return abs(a - b) <= tolerance


def compare_channels(mine_by_channel, reference, label):
    """Channel by channel, the sequence of values in time order."""
    problems = []
    for channel in PLAUSIBLE:
        theirs = reference.get(channel, [])
        if not theirs:
            continue
        mine = mine_by_channel.get(channel, [])
        if len(mine) != len(theirs):
            problems.append(f"{channel}: {len(mine)} values, {label} {len(theirs)}")
            continue
        bad = [i for i, (a, b) in enumerate(zip(mine, theirs)) if not close(a, b, channel)]
        if bad and channel != "distance":  # distance: each session counts from its own start (below)
            i = bad[0]
            problems.append(f"{channel}: {len(bad)} values differ from {label}'s, the first #{i}: {mine[i]} vs {theirs[i]}")
    return problems


SESSION_FIELDS = [  # (Terra path under slipstream.provider, session field(s), scale to Terra's units)
    ("heart_rate_data.summary.avg_hr_bpm", ("avg_heart_rate",)), ("heart_rate_data.summary.max_hr_bpm", ("max_heart_rate",)),
    ("power_data.avg_watts", ("avg_power",)), ("power_data.max_watts", ("max_power",)),
    ("movement_data.avg_cadence_rpm", ("avg_cadence", "avg_running_cadence")),
    ("movement_data.max_cadence_rpm", ("max_cadence", "max_running_cadence")),
    ("distance_data.summary.distance_meters", ("total_distance",)),
    ("movement_data.avg_speed_meters_per_second", ("enhanced_avg_speed", "avg_speed")),
    ("active_durations_data.activity_seconds", ("total_timer_time",)),
]


def dig(obj, path):
    for key in path.split("."):
        obj = (obj or {}).get(key) if isinstance(obj, dict) else None
    return obj


def check(slipstream, path):
    problems, remarks = [], []
    fd_counts, fd_records, fd_sessions, broke = read_fitdecode(path)
    sdk_counts, sdk_records, sdk_sessions, sdk_errors = read_sdk(path)
    sdk_stopped = any("not currently supported" in str(e) for e in sdk_errors)
    if broke:
        remarks.append(WHY["damaged"])
    if sdk_stopped:
        remarks.append(WHY["compressed"])
    elif not broke:
        for name in ("record", "session", "lap", "length", "event", "hr", "device_info", "file_id"):
            a, b = fd_counts.get(name, 0), sdk_counts.get(name, 0)
            if a != b:
                problems.append(f"{name} messages: fitdecode {a}, SDK {b}")
    rows, activities = ours(slipstream, path)
    if fd_sessions and len(activities) != len(fd_sessions):
        problems.append(f"{len(activities)} activities for {len(fd_sessions)} sessions")
    mine = ours_ordered(rows)
    fd_values = ordered(fd_records)
    if fd_counts.get("hr") and not broke:
        remarks.append(WHY["hr-merge"])
        fd_values["heart_rate"] = ordered(merged_heart_rates(path, fd_records)).get("heart_rate", [])
    problems += compare_channels(mine, fd_values, "fitdecode")
    if not sdk_stopped and not broke and not fd_counts.get("hr"):
        problems += compare_channels(mine, ordered(sdk_records), "the SDK")
    for activity, fd_session, sdk_session in zip(activities, fd_sessions, sdk_sessions if not sdk_stopped else fd_sessions):
        carried = (activity.get("slipstream") or {}).get("provider") or {}
        for path_, names in SESSION_FIELDS:
            a = next((scalar(fd_session.get(n)) for n in names if fd_session.get(n) is not None), None)
            b = next((scalar(sdk_session.get(n)) for n in names if sdk_session.get(n) is not None), None)
            mine_value = dig(carried, path_)
            if a is None and b is None:
                continue
            if a is None or b is None or abs(a - b) > 1e-6:
                problems.append(f"session {path_}: fitdecode {a}, SDK {b}")
            elif mine_value is None or abs(mine_value - a) > 1e-6:
                problems.append(f"session {path_}: ours {mine_value}, both decoders {a}")
    return problems, remarks


def main():
    slipstream, files = sys.argv[1], sys.argv[2:]
    passed = failed = 0
    for path in files:
        try:
            problems, remarks = check(slipstream, path)
        except Exception as error:  # a decoder that cannot read the file at all
            problems, remarks = [f"{type(error).__name__}: {error}"], []
        print(f"{'ok  ' if not problems else 'FAIL'} {path}" + "".join(f"\n     {p}" for p in problems)
              + "".join(f"\n     note: {r}" for r in remarks))
        passed += not problems
        failed += bool(problems)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
