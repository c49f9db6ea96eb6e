#!/usr/bin/env python3
"""Turns a device's FIT recording into a Terra Activity payload, to check our summaries against the
device's own.

The samples come from the FIT `record` messages; `timer_duration_seconds` is the device's timer,
rebuilt from its timer start/stop events. The device's `session` totals go into Terra's summary
fields, so `slipstream summarize` shows them under `slipstream.provider` next to what we computed.

    pip install fitdecode
    scripts/fit-to-terra.py ride.fit > ride.json
    slipstream summarize --pretty ride.json
"""
import datetime
import json
import sys

import fitdecode

SEMICIRCLE = 180 / 2**31


def iso(t):
    return t.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def convert(path):
    records, session, timer_events = [], {}, []
    with fitdecode.FitReader(path) as reader:
        for frame in reader:
            if not isinstance(frame, fitdecode.FitDataMessage):
                continue
            values = {f.name: f.value for f in frame.fields if f.value is not None}
            if frame.name == "record" and "timestamp" in values:
                records.append(values)
            elif frame.name == "session":
                session = values
            elif frame.name == "event" and values.get("event") == "timer":
                timer_events.append((values["timestamp"], values.get("event_type")))

    # Timer seconds at each record: time accumulates only between a timer start and a stop.
    timer_events.sort(key=lambda e: e[0])
    running, since, total, e = False, None, 0.0, 0
    for record in records:
        t = record["timestamp"]
        while e < len(timer_events) and timer_events[e][0] <= t:
            at, kind = timer_events[e]
            if kind == "start" and not running:
                running, since = True, at
            elif kind in ("stop", "stop_all", "stop_disable", "stop_disable_all") and running:
                total += (at - since).total_seconds()
                running = False
            e += 1
        record["timer"] = total + ((t - since).total_seconds() if running else 0)

    def samples(key, field, convert=float):
        return [
            {"timestamp": iso(r["timestamp"]), field: convert(r[key]), "timer_duration_seconds": r["timer"]}
            for r in records if key in r
        ]

    def first(*keys):
        for key in keys:
            if session.get(key) is not None:
                return session[key]
        return None

    positions = [
        {"timestamp": iso(r["timestamp"]),
         "coords_lat_lng_deg": [r["position_lat"] * SEMICIRCLE, r["position_long"] * SEMICIRCLE],
         "timer_duration_seconds": r["timer"]}
        for r in records if "position_lat" in r and "position_long" in r
    ]
    start = session.get("start_time", records[0]["timestamp"])
    end = records[-1]["timestamp"]
    activity = {
        "metadata": {
            "summary_id": path.rsplit("/", 1)[-1],
            "name": str(session.get("sport", "activity")),
            "type": 1,
            "upload_type": 1,
            "start_time": iso(start),
            "end_time": iso(end),
        },
        "heart_rate_data": {
            "summary": {"avg_hr_bpm": first("avg_heart_rate"), "max_hr_bpm": first("max_heart_rate")},
            "detailed": {"hr_samples": samples("heart_rate", "bpm")},
        },
        "power_data": {
            "avg_watts": first("avg_power"), "max_watts": first("max_power"),
            "power_samples": samples("power", "watts"),
        },
        "movement_data": {
            "avg_speed_meters_per_second": first("enhanced_avg_speed", "avg_speed"),
            "max_speed_meters_per_second": first("enhanced_max_speed", "max_speed"),
            "avg_cadence_rpm": first("avg_cadence"),
            "max_cadence_rpm": first("max_cadence"),
            "speed_samples": samples("enhanced_speed", "speed_meters_per_second")
                or samples("speed", "speed_meters_per_second"),
            "cadence_samples": samples("cadence", "cadence_rpm"),
        },
        "distance_data": {
            "summary": {
                "distance_meters": first("total_distance"),
                "elevation": {
                    "gain_actual_meters": first("total_ascent"),
                    "loss_actual_meters": first("total_descent"),
                },
            },
            "detailed": {
                "distance_samples": samples("distance", "distance_meters"),
                "elevation_samples": samples("enhanced_altitude", "elev_meters") or samples("altitude", "elev_meters"),
            },
        },
        "position_data": {"position_samples": positions},
        "active_durations_data": {"activity_seconds": first("total_timer_time")},
        "TSS_data": {"TSS_samples": [{"normalized_power_watts": first("normalized_power")}]},
    }
    return activity


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    data = [convert(path) for path in sys.argv[1:]]
    json.dump({"type": "activity", "user": {"user_id": "fit", "provider": "FIT"}, "data": data}, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
