"""The declared schemas of the three datasets the job writes.

Summaries keep the column names of `slipstream batch --format csv` (README, "Batch"), in the same
order, so code written against the CSV keeps working; what the CSV leaves out (provenance, the
problems found in the samples, the whole summary) follows under `slipstream_` names.
"""

from pyspark.sql.types import (
    ArrayType,
    DateType,
    DoubleType,
    LongType,
    MapType,
    StringType,
    StructField,
    StructType,
    TimestampType,
)

# `slipstream batch --format csv`'s header, in order.
CSV_COLUMNS = [
    "source", "summary_id", "start_time", "error_kind", "error", "error_line", "error_column", "error_byte",
    "avg_hr_bpm", "max_hr_bpm", "min_hr_bpm", "avg_watts", "max_watts", "normalized_power_watts",
    "intensity_factor", "tss", "avg_speed_meters_per_second", "max_speed_meters_per_second",
    "avg_cadence_rpm", "max_cadence_rpm", "distance_meters", "elevation_gain_meters", "elevation_loss_meters",
    "min_elevation_meters", "max_elevation_meters", "elapsed_seconds", "timer_seconds", "moving_seconds",
    "start_lat", "start_lng", "end_lat", "end_lng", "user_id", "provider_name",
    "avg_temperature_celsius", "max_temperature_celsius", "min_temperature_celsius",
]

_TEXT_COLUMNS = {"source", "summary_id", "error_kind", "error", "user_id", "provider_name"}
_INTEGER_COLUMNS = {"error_line", "error_column", "error_byte"}


def _csv_type(name):
    if name == "start_time":
        return TimestampType()
    if name in _TEXT_COLUMNS:
        return StringType()
    if name in _INTEGER_COLUMNS:
        return LongType()
    return DoubleType()


_COUNTS = MapType(StringType(), LongType())
_GAP = StructType([StructField("count", LongType()), StructField("seconds", DoubleType())])

# Ours, after the CSV's columns: per-channel maps are keyed by channel name (heart_rate, power, …).
EXTRA_FIELDS = [
    StructField("slipstream_speed_source", StringType()),
    StructField("slipstream_distance_source", StringType()),
    StructField("slipstream_samples", _COUNTS),
    StructField("slipstream_dropped", _COUNTS),
    StructField("slipstream_out_of_range", _COUNTS),
    StructField("slipstream_unsorted", _COUNTS),
    StructField("slipstream_duplicates", _COUNTS),
    StructField("slipstream_gaps", MapType(StringType(), _GAP)),
    StructField("slipstream_timestamps_without_offset", LongType()),
    StructField("slipstream_notes", ArrayType(StringType())),
    StructField("slipstream_provenance", MapType(StringType(), StringType())),
    # The summary as `slipstream batch` wrote it (one NDJSON line), `slipstream.source` included.
    StructField("slipstream_activity", StringType()),
]

# The activity's start date in UTC: the summaries' (and samples') partition column.
START_DATE = StructField("start_date", DateType())

# Where the activity stands among its source's activities (0, 1, …): with `source`, what names one
# activity even without a summary_id. Used to join samples to summaries, not written.
POSITION = StructField("_position", LongType(), nullable=False)

SUMMARY = StructType([StructField(name, _csv_type(name)) for name in CSV_COLUMNS] + EXTRA_FIELDS + [START_DATE, POSITION])

# A payload, archive member or input that failed: the CSV's error row without its empty columns.
ERROR_COLUMNS = ["source", "error_kind", "error", "error_line", "error_column", "error_byte"]
ERROR = StructType([StructField(name, _csv_type(name)) for name in ERROR_COLUMNS])

# `slipstream columns`' header, in order.
COLUMNS_HEADER = [
    "activity", "timestamp", "timer_seconds", "heart_rate", "power", "cadence", "speed", "distance", "elevation",
    "lat", "lng", "temperature",
]

# One row per sample instant per activity: the columns' shape, then where the activity came from,
# and its user_id and start date (the task knows its activities: no join finds them again).
SAMPLE = StructType(
    [StructField("activity", StringType()), StructField("timestamp", TimestampType())]
    + [StructField(name, DoubleType()) for name in COLUMNS_HEADER[2:]]
    + [StructField("source", StringType()), POSITION, StructField("user_id", StringType()), START_DATE]
)

# What the tasks hand to Spark: each row in the column of its kind (0 summary, 1 error, 2 sample).
DECODED = StructType(
    [
        StructField("kind", LongType(), nullable=False),
        StructField("summary", SUMMARY),
        StructField("error", ERROR),
        StructField("sample", SAMPLE),
    ]
)
