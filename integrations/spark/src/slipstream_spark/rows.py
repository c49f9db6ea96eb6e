"""From the binary's output lines to rows of the declared schemas (schema.py).

A summary line is flattened as `slipstream batch --format csv` flattens it: each CSV column is read
from its place in the Terra Activity object, the computed value (under `slipstream.computed` when a
run prefers the provider's values), `start_time` parsed as the binary parses it.
"""

import datetime
import json
import re

from .schema import COLUMNS_HEADER, CSV_COLUMNS

_UTC = datetime.timezone.utc
_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=_UTC)

# CSV column -> path in the Terra Activity object (an int is a list index).
SUMMARY_PATHS = {
    "avg_hr_bpm": ("heart_rate_data", "summary", "avg_hr_bpm"),
    "max_hr_bpm": ("heart_rate_data", "summary", "max_hr_bpm"),
    "min_hr_bpm": ("heart_rate_data", "summary", "min_hr_bpm"),
    "avg_watts": ("power_data", "avg_watts"),
    "max_watts": ("power_data", "max_watts"),
    "normalized_power_watts": ("TSS_data", "TSS_samples", 0, "normalized_power_watts"),
    "intensity_factor": ("TSS_data", "TSS_samples", 0, "intensity_factor_actual"),
    "tss": ("TSS_data", "TSS_samples", 0, "actual"),
    "avg_speed_meters_per_second": ("movement_data", "avg_speed_meters_per_second"),
    "max_speed_meters_per_second": ("movement_data", "max_speed_meters_per_second"),
    "avg_cadence_rpm": ("movement_data", "avg_cadence_rpm"),
    "max_cadence_rpm": ("movement_data", "max_cadence_rpm"),
    "distance_meters": ("distance_data", "summary", "distance_meters"),
    "elevation_gain_meters": ("distance_data", "summary", "elevation", "gain_actual_meters"),
    "elevation_loss_meters": ("distance_data", "summary", "elevation", "loss_actual_meters"),
    "min_elevation_meters": ("distance_data", "summary", "elevation", "min_meters"),
    "max_elevation_meters": ("distance_data", "summary", "elevation", "max_meters"),
    "elapsed_seconds": ("slipstream", "elapsed_seconds"),
    "timer_seconds": ("slipstream", "timer_seconds"),
    "moving_seconds": ("slipstream", "moving_seconds"),
    "start_lat": ("position_data", "start_pos_lat_lng_deg", 0),
    "start_lng": ("position_data", "start_pos_lat_lng_deg", 1),
    "end_lat": ("position_data", "end_pos_lat_lng_deg", 0),
    "end_lng": ("position_data", "end_pos_lat_lng_deg", 1),
    "user_id": ("slipstream", "user_id"),
    "provider_name": ("slipstream", "provider_name"),
    "avg_temperature_celsius": ("slipstream", "temperature", "avg_celsius"),
    "max_temperature_celsius": ("slipstream", "temperature", "max_celsius"),
    "min_temperature_celsius": ("slipstream", "temperature", "min_celsius"),
}

_COUNT_KEYS = ["samples", "dropped", "out_of_range", "unsorted", "duplicates"]


_MISSING = object()


def lookup(value, path, missing=None):
    """The value at `path`: None where a step meets null or another type, `missing` where an
    object lacks the step's key."""
    for step in path:
        if isinstance(step, int):
            if not isinstance(value, list) or step >= len(value):
                return None
        elif not isinstance(value, dict):
            return None
        elif step not in value:
            return missing
        value = value[step]
    return value


def _number(value):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def _text(value):
    return value if isinstance(value, str) else None


def _integer(value):
    return value if isinstance(value, int) and not isinstance(value, bool) else None


# The binary's timestamp grammar (Sources/SlipstreamCore/Timestamp.swift): no offset reads as UTC.
_TIMESTAMP = re.compile(r"(\d{4})-(\d\d)-(\d\d)[Tt ](\d\d):(\d\d):(\d\d)(?:[.,](\d{1,9}))?(?:[Zz]|([+-])(\d\d:\d\d|\d{4}|\d\d))?")


def _days_from_civil(year, month, day):
    """Days since 1970-01-01 of a proleptic Gregorian date (year 0 included, as the binary counts)."""
    year -= month <= 2
    era = year // 400
    year_of_era = year - era * 400
    day_of_year = (153 * (month + (-3 if month > 2 else 9)) + 2) // 5 + day - 1
    day_of_era = year_of_era * 365 + year_of_era // 4 - year_of_era // 100 + day_of_year
    return era * 146097 + day_of_era - 719468


def _days_in_month(year, month):
    if month == 2:
        return 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def parse_timestamp(text):
    """UTC epoch microseconds of an ISO 8601 timestamp as the binary reads it, or None."""
    if not isinstance(text, str):
        return None
    match = _TIMESTAMP.fullmatch(text)
    if not match:
        return None
    year, month, day, hour, minute, second = (int(part) for part in match.groups()[:6])
    fraction, sign, offset = match.groups()[6:]
    if not (1 <= month <= 12 and 1 <= day <= _days_in_month(year, month) and hour <= 23 and minute <= 59 and second <= 60):
        return None
    offset_seconds = 0
    if sign:
        digits = offset.replace(":", "")
        offset_hours, offset_minutes = int(digits[:2]), int(digits[2:] or 0)
        if offset_hours > 23 or offset_minutes > 59:
            return None
        offset_seconds = (offset_hours * 3600 + offset_minutes * 60) * (-1 if sign == "-" else 1)
    seconds = _days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second - offset_seconds
    return seconds * 1_000_000 + int((fraction or "0")[:6].ljust(6, "0"))


def utc_datetime(microseconds):
    """An aware UTC datetime, or None (also beyond years 1 to 9999, where Spark's timestamps end)."""
    if microseconds is None:
        return None
    try:
        return _EPOCH + datetime.timedelta(microseconds=microseconds)
    except OverflowError:
        return None


def _summary_id(metadata):
    value = metadata.get("summary_id") if isinstance(metadata, dict) else None
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value)  # a number: its text


def _counts(value):
    if not isinstance(value, dict):
        return None
    return {key: count for key, count in value.items() if _integer(count) is not None}


def _gaps(value):
    if not isinstance(value, dict):
        return None
    return {
        key: (_integer(gap.get("count")), _number(gap.get("seconds")))
        for key, gap in value.items()
        if isinstance(gap, dict)
    }


def is_error_record(record):
    return isinstance(lookup(record, ("slipstream", "error")), dict)


def summary_row(record, source, position):
    """A summary line (parsed, `slipstream.source` already set to `source`) as a SUMMARY row."""
    ours = record.get("slipstream") if isinstance(record.get("slipstream"), dict) else {}
    computed = ours.get("computed") if isinstance(ours.get("computed"), dict) else {}
    metadata = record.get("metadata")
    start = utc_datetime(parse_timestamp(metadata.get("start_time"))) if isinstance(metadata, dict) else None
    values = {
        "source": source,
        "summary_id": _summary_id(metadata),
        "start_time": start,
    }
    for column, path in SUMMARY_PATHS.items():
        # With `--prefer provider` the Terra field holds the payload's value and ours moved under
        # `slipstream.computed`; the CSV always holds ours.
        value = lookup(computed, path, missing=_MISSING)
        if value is _MISSING:
            value = lookup(record, path)
        values[column] = _text(value) if column in ("user_id", "provider_name") else _number(value)
    row = [values.get(column) for column in CSV_COLUMNS]
    sources = ours.get("sources") if isinstance(ours.get("sources"), dict) else {}
    notes = ours.get("notes")
    provenance = ours.get("provenance")
    row += [
        _text(sources.get("speed")),
        _text(sources.get("distance")),
        *[_counts(ours.get(key)) for key in _COUNT_KEYS],
        _gaps(ours.get("gaps")),
        _integer(ours.get("timestamps_without_offset")),
        [note for note in notes if isinstance(note, str)] if isinstance(notes, list) else None,
        {k: v for k, v in provenance.items() if isinstance(v, str)} if isinstance(provenance, dict) else None,
        json.dumps(record, ensure_ascii=False, separators=(",", ":")),
        start.date() if start is not None else None,
        position,
    ]
    return tuple(row)


def error_row(record, source):
    """An error record (`{"slipstream":{"source":…,"error":{…}}}`) as an ERROR row."""
    error = record["slipstream"]["error"]
    message = _text(error.get("message")) or ""
    path = _text(error.get("path"))
    return (
        source,
        _text(error.get("kind")),
        f"{message} (at {path})" if path else message,
        _integer(error.get("line")),
        _integer(error.get("column")),
        _integer(error.get("byte")),
    )


def sample_values(record):
    """A `columns --format ndjson` line (parsed) as the SAMPLE row's leading fields."""
    return (
        _text(record.get("activity")),
        utc_datetime(parse_timestamp(record.get("timestamp"))),
        *[_number(record.get(name)) for name in COLUMNS_HEADER[2:]],
    )
