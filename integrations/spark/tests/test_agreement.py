"""The Parquet the job writes against what `slipstream batch` and `slipstream columns` write over
the same files: value for value, each activity once, every damaged member in the errors."""

import csv
import datetime
import io
import json
from collections import Counter

import pyarrow.parquet as pq
import pytest
from conftest import read, run_binary

from slipstream_spark import summarize
from slipstream_spark.schema import COLUMNS_HEADER, CSV_COLUMNS


def activities(records):
    return [r for r in records if "error" not in r["slipstream"]]


def kept_once(records):
    """The documented rule, written again here: for each (user_id, summary_id) the copy whose
    source comes first in byte order."""
    best = {}
    for record in activities(records):
        key = (record["slipstream"]["user_id"], record["metadata"]["summary_id"])
        if key not in best or record["slipstream"]["source"].encode() < best[key]["slipstream"]["source"].encode():
            best[key] = record
    return list(best.values())


def by_source_and_id(rows):
    return {(row["source"], row["summary_id"]): row for row in rows}


def test_the_columns_are_the_csvs_then_ours(reference_run, batch_csv):
    _, out, _ = reference_run
    names = pq.read_schema(next((out / "summaries").rglob("*.parquet"))).names
    assert names[: len(CSV_COLUMNS)] == batch_csv.splitlines()[0].split(",")
    assert all(name.startswith("slipstream_") for name in names[len(CSV_COLUMNS) :])
    assert "start_date" in [p.name.split("=")[0] for p in (out / "summaries").iterdir()]


def test_each_activity_is_batchs_summary_once(reference_run, batch_records):
    _, _, datasets = reference_run
    rows = by_source_and_id(datasets["summaries"])
    expected = kept_once(batch_records)
    assert len(rows) == len(datasets["summaries"]) == len(expected) == 10
    for record in expected:
        row = rows[(record["slipstream"]["source"], record["metadata"]["summary_id"])]
        assert json.loads(row["slipstream_activity"]) == record
        ours = record["slipstream"]
        assert dict(row["slipstream_provenance"]) == ours["provenance"]
        assert row["slipstream_notes"] == ours["notes"]
        for key in ("samples", "dropped", "out_of_range", "unsorted", "duplicates"):
            assert dict(row[f"slipstream_{key}"]) == ours[key]
        assert {k: dict(v) for k, v in row["slipstream_gaps"]} == ours["gaps"]
        assert row["slipstream_timestamps_without_offset"] == ours["timestamps_without_offset"]
        assert (row["slipstream_speed_source"], row["slipstream_distance_source"]) == (ours["sources"]["speed"], ours["sources"]["distance"])


def assert_the_csv_agrees(summaries, table):
    """Each summary row's CSV columns hold the CSV's cells (rows the rule dropped aside)."""
    rows = by_source_and_id(summaries)
    compared = 0
    for cells in csv.DictReader(io.StringIO(table)):
        row = rows.get((cells["source"], cells["summary_id"]))
        if cells["error_kind"] or row is None:
            continue  # an error row, or the copy the rule dropped
        compared += 1
        for name in CSV_COLUMNS:
            cell, value = cells[name], row[name]
            if cell == "":
                assert value is None, name
            elif name == "start_time":
                assert value == datetime.datetime.strptime(cell, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.timezone.utc)
            elif isinstance(value, float):
                assert value == float(cell), name
            else:
                assert str(value) == cell, name
    assert compared == len(rows)


def test_the_csv_columns_hold_batchs_csv_values(reference_run, batch_csv):
    _, _, datasets = reference_run
    assert_the_csv_agrees(datasets["summaries"], batch_csv)


def test_batch_options_pass_through_and_the_csv_columns_keep_ours(spark, binary, rides, tmp_path):
    """With the provider's values preferred, Terra's fields hold the FIT sessions' own totals; the
    CSV columns still hold ours, here as in the CSV."""
    paths = [str(rides / "rides" / "sub"), str(rides / "exports.tar.gz")]
    options = ["--ftp", "250", "--max-hr=190", "--prefer", "provider"]
    summarize(spark, paths, str(tmp_path), binary=binary, options=options)
    summaries = read(tmp_path / "summaries")
    assert_the_csv_agrees(summaries, run_binary(binary, "batch", "-q", "--format", "csv", *options, *paths))
    assert all(row["tss"] is not None for row in summaries if row["slipstream_samples"] and dict(row["slipstream_samples"])["power"])
    assert any(value == "provider" for row in summaries for _, value in row["slipstream_provenance"])
    with pytest.raises(ValueError):
        summarize(spark, paths, str(tmp_path), binary=binary, options=["--format", "csv"])


def test_an_activity_found_in_two_archives_is_kept_from_the_first_source(reference_run, rides):
    _, _, datasets = reference_run
    copies = [row for row in datasets["summaries"] if row["summary_id"] == "xoss-6-0"]
    assert [row["source"] for row in copies] == [f"{rides}/again.tar.gz!exports/ride-6.json"]
    assert copies[0]["start_date"] == "2024-05-04"


def test_the_errors_name_each_damaged_member_and_its_byte(reference_run, batch_records, rides):
    report, _, datasets = reference_run
    expected = [r["slipstream"] for r in batch_records if "error" in r["slipstream"]]
    assert len(expected) == 2
    errors = {row["source"]: row for row in datasets["errors"]}
    for record in expected:
        row = errors.pop(record["source"])
        error = record["error"]
        assert row["error_kind"] == error["kind"]
        assert row["error"] == f"{error['message']} (at {error['path']})" if error["path"] else error["message"]
        assert (row["error_line"], row["error_column"], row["error_byte"]) == (error["line"], error["column"], error["byte"])
    assert f"{rides}/exports.tar.gz!exports/cut.fit" in [r["source"] for r in expected]
    assert f"{rides}/rides/cut.json" in [r["source"] for r in expected]
    # The path that matched nothing is an error too, not a silence.
    assert list(errors) == [f"{rides}/missing/*.json"]
    assert errors[f"{rides}/missing/*.json"]["error_kind"] == "input-unreadable"
    assert report.failed == 3 and report.duplicates == 1 and report.activities == 10


def test_the_samples_are_columns_rows_once_per_activity(reference_run, columns_rows, rides):
    report, _, datasets = reference_run
    samples = datasets["samples"]

    def key(row):
        return tuple(row[name] for name in COLUMNS_HEADER[2:]) + (row["activity"], row["timestamp"])

    expected = Counter()
    for row in columns_rows:
        stamp = datetime.datetime.strptime(row["timestamp"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.timezone.utc)
        values = {name: (float(row[name]) if row[name] is not None else None) for name in COLUMNS_HEADER[2:]}
        expected[key({**values, "activity": row["activity"], "timestamp": stamp})] += 1
    for row_key, count in expected.items():
        if row_key[-2] == "xoss-6-0":
            assert count == 2  # once from each archive
            expected[row_key] = 1
    assert Counter(key(row) for row in samples) == expected
    assert report.samples == len(samples)
    assert {row["source"] for row in samples if row["activity"] == "xoss-6-0"} == {f"{rides}/again.tar.gz!exports/ride-6.json"}
    summaries = {(row["source"], row["summary_id"]): row for row in datasets["summaries"]}
    for row in samples:
        summary = summaries[(row["source"], row["activity"])]
        assert (row["user_id"], row["start_date"]) == (summary["user_id"], summary["start_date"])
