"""The parts that need no Spark: timestamps read as the binary reads them, summaries flattened as
the CSV flattens them, the tar stream, the task plan, samples matched to their activities, the
copies the driver drops."""

import datetime
import io
import json
import subprocess
import tarfile

import pytest

from slipstream_spark import decode, inputs, job, rows, tarstream
from slipstream_spark.schema import CSV_COLUMNS, SAMPLE, SUMMARY

UTC = datetime.timezone.utc


def micros(*args):
    return int((datetime.datetime(*args, tzinfo=UTC) - datetime.datetime(1970, 1, 1, tzinfo=UTC)).total_seconds() * 1_000_000)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2022-10-20T10:00:01.250000+02:00", 1666252801250000),
        ("2022-10-20T10:00:01Z", 1666260001000000),
        ("2022-10-20T10:00:01", 1666260001000000),  # no offset: local time, read as UTC
        ("2022-10-20 10:00:01.123456789-0130", micros(2022, 10, 20, 11, 30, 1) + 123456),
        ("2022-10-20t10:00:01,5+05", micros(2022, 10, 20, 5, 0, 1) + 500000),
        ("2016-12-31T23:59:60Z", micros(2017, 1, 1)),  # a leap second: the next minute
        ("2024-02-29T00:00:00Z", micros(2024, 2, 29)),
        ("2023-02-29T00:00:00Z", None),
        ("2022-10-20T24:00:00Z", None),
        ("2022-10-20T10:00:01.Z", None),
        ("2022-10-20T10:00:01.1234567890Z", None),
        ("2022-10-20T10:00:01+2:00", None),
        ("2022-10-20T10:00:01+02:0", None),
        ("2022-10-20T10:00:01+24:00", None),
        ("2022-10-20T10:00:01Z ", None),
        ("20221020T100001Z", None),
        (1666260001, None),
    ],
)
def test_timestamps_as_the_binary_reads_them(text, expected):
    assert rows.parse_timestamp(text) == expected


def test_the_start_time_parsed_by_the_binary_is_the_one_parsed_here(binary, tmp_path):
    stamps = ["2024-05-04T07:30:00.123456789+02:00", "2024-05-04T07:30:00-0330", "2024-05-04 07:30:00", "2024-05-04T07:30:00.5Z"]
    payload = "\n".join(json.dumps({"metadata": {"summary_id": f"s{i}", "start_time": s}}) for i, s in enumerate(stamps))
    table = subprocess.run([binary, "batch", "-q", "--format", "csv", "-"], input=payload.encode(), capture_output=True, check=True)
    for line, stamp in zip(table.stdout.decode().splitlines()[1:], stamps):
        cell = line.split(",")[2]
        parsed = datetime.datetime.strptime(cell, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
        assert rows.utc_datetime(rows.parse_timestamp(stamp)) == parsed


def test_a_summary_row_fits_the_declared_schema(binary):
    record = json.loads(subprocess.run([binary, "generate", "--seconds", "120"], capture_output=True, check=True).stdout)
    line = subprocess.run([binary, "summarize", "--source-tags", "-"], input=json.dumps(record).encode(), capture_output=True, check=True).stdout
    row = rows.summary_row(json.loads(line), "rides/ride.json", 0)
    assert len(row) == len(SUMMARY.fields)
    SUMMARY.toInternal(row)  # raises when a value does not fit its type
    named = dict(zip(SUMMARY.names, row))
    assert named["source"] == "rides/ride.json" and named["summary_id"] == "xoss-1-0"
    assert named["start_date"] == datetime.date(2024, 5, 4)
    assert named["slipstream_provenance"]["heart_rate_data.summary.avg_hr_bpm"] == "computed"


def test_with_provider_values_preferred_the_csv_columns_keep_ours():
    record = {
        "metadata": {"summary_id": "a", "start_time": "2024-05-04T07:30:00Z"},
        "heart_rate_data": {"summary": {"avg_hr_bpm": 150}},  # the provider's
        "TSS_data": {"TSS_samples": [{"normalized_power_watts": 250}]},
        "slipstream": {
            "user_id": "u",
            "computed": {"heart_rate_data": {"summary": {"avg_hr_bpm": 141.5}}, "TSS_data": {"TSS_samples": None}},
        },
    }
    named = dict(zip(CSV_COLUMNS, rows.summary_row(record, "s", 0)))
    assert named["avg_hr_bpm"] == 141.5
    assert named["normalized_power_watts"] is None
    assert named["user_id"] == "u"


def test_an_error_record_keeps_its_place():
    record = {"slipstream": {"source": "x", "error": {"kind": "malformed-json", "message": "bad", "line": 1, "column": 9, "byte": 8, "path": "$.data"}}}
    assert rows.is_error_record(record)
    assert rows.error_row(record, "a.tgz!x.json") == ("a.tgz!x.json", "malformed-json", "bad (at $.data)", 1, 9, 8)


def test_the_tar_stream_holds_each_file_as_a_member():
    stream = io.BytesIO()
    short = tarstream.write_member(stream.write, tarstream.member_name(0, b"{"), 3, [b"{", b"}\n", b"extra"])
    assert short == 0
    short = tarstream.write_member(stream.write, tarstream.member_name(1, b"\x1f\x8b"), 4, [b"\x1f\x8b"])
    assert short == 2
    tarstream.end(stream.write)
    stream.seek(0)
    with tarfile.open(fileobj=stream) as tar:
        assert [(m.name, m.size) for m in tar.getmembers()] == [("000000.json", 3), ("000001.json.gz", 4)]
        assert tar.extractfile("000000.json").read() == b"{}\n"


def test_the_plan_balances_bytes_and_depends_on_the_files_only():
    files = [inputs.InputFile(f"/r/{i:02d}.json", f"file:/r/{i:02d}.json", size, f"/r/{i:02d}.json", False) for i, size in enumerate([9, 1, 5, 5, 3, 7])]
    groups = inputs.plan_groups(files, 3)
    assert [sum(f.size for f in g) for g in groups] == [10, 10, 10]
    assert groups == inputs.plan_groups(list(reversed(files)), 3)
    assert inputs.plan_groups(files, 10) == [[f] for f in sorted(files, key=lambda f: (-f.size, f.source))]
    assert sorted(f.source for g in groups for f in g) == sorted(f.source for f in files)


def test_names_and_first_bytes_say_what_is_read_whole():
    assert inputs.is_payload_name("A.FIT.GZ") and inputs.is_payload_name("x.tzst") and not inputs.is_payload_name("notes.txt")
    assert inputs.is_archive_head(b"PK\x03\x04") and inputs.is_archive_head(bytes(257) + b"ustar")
    assert not inputs.is_archive_head(b'{"data":[]}') and not inputs.is_archive_head(b"\x1f\x8b\x08")
    assert inputs.escape_glob("file:/a[1]/b*.json") == "file:/a\\[1\\]/b\\*.json"

    def whole(name, head):
        return decode._read_whole(inputs.InputFile(name, name, 0, name, inputs.is_archive_name(name)), head)

    assert whole("x.tgz", b"\x1f\x8b") and whole("upload.bin", b"\x1f\x8b") and whole("ride.json", b"PK\x03\x04")
    assert not whole("ride.json.gz", b"\x1f\x8b") and not whole("ride.fit", b"\x0e\x10") and not whole("upload.bin", b"{")


def test_samples_go_to_their_activity_even_when_two_share_an_id():
    activities = [("a.tgz!1.json", 0, "x"), ("a.tgz!2.json", 0, None), ("a.tgz!3.json", 0, "y"), ("a.tgz!4.json", 0, "y")]

    def line(activity, second):
        return json.dumps({"activity": activity, "timestamp": f"2024-05-04T07:30:0{second}.000000Z"})

    lines = [line("x", 0), line("x", 1), line("$.data[0]", 0), line("y", 0), line("y", 1), line("y", 0), line("y", 2)]
    matched = [(row[0], row[-2]) for row in decode.align_samples(lines, activities)]
    assert [source for _, source in matched] == ["a.tgz!1.json"] * 2 + ["a.tgz!2.json"] + ["a.tgz!3.json"] * 2 + ["a.tgz!4.json"] * 2
    with pytest.raises(RuntimeError):
        list(decode.align_samples([line("z", 0)], activities))


def test_the_binarys_stdin_names_become_the_inputs_names():
    loose = decode.Sources()
    loose.members["000003.json"] = "/rides/ride-3.json"
    assert loose.name("<stdin>!000003.json") == "/rides/ride-3.json"
    with pytest.raises(RuntimeError):
        loose.name("<stdin>!000004.json")
    archive = decode.Sources(archive="hdfs://nn/exports.tgz")
    assert archive.name("<stdin>") == "hdfs://nn/exports.tgz"
    assert archive.name("<stdin>!exports/ride.fit") == "hdfs://nn/exports.tgz!exports/ride.fit"


def test_the_binarys_names_for_the_files_it_was_given_are_the_inputs_names(monkeypatch):
    files = [
        inputs.InputFile(path, "file:" + path, 1, path, inputs.is_archive_name(path))
        for path in ["/rides/a!b.tar.gz", "/rides/a", "/rides/ride-1.json"]
    ]
    named = decode.Paths(files)
    assert named.name("/rides/ride-1.json") == "/rides/ride-1.json"
    assert named.name("/rides/a!b.tar.gz!exports/ride.json") == "/rides/a!b.tar.gz!exports/ride.json"
    assert named.name("/rides/a!member.json") == "/rides/a!member.json"
    with pytest.raises(RuntimeError):
        named.name("/rides/ride-2.json")
    monkeypatch.setattr(decode, "_ARGUMENT_BYTES", 40)  # a command line holds two of these paths
    assert [[f.local_path for f in chunk] for chunk in decode._argument_chunks(files)] == [
        ["/rides/a!b.tar.gz", "/rides/a"], ["/rides/ride-1.json"],
    ]


def test_the_driver_drops_every_copy_but_the_first_in_byte_order(monkeypatch):
    first = job.Seen({(0, 0): (3, 0, 5)}, {("u", "x"): {("b.tgz!1.json", 0): 5}, ("u", "y"): {("a.json", 0): 0}, (None, "x"): {("c.json", 0): 0}})
    second = job.Seen(
        {(0, 1): (4, 1, 11)}, {("u", "x"): {("a.tgz!1.json", 0): 7, ("a.tgz!1.json", 1): 2}, ("u", "z"): {("\u00e9.json", 0): 1, ("z.json", 0): 1}}
    )
    seen = job.Seen().add(first).add(second).add(second)  # a stage run again: the same report twice
    assert seen.complete([2]) and not seen.complete([2, 1]) and not job.Seen().add(first).complete([2])
    assert seen.counts() == (7, 1, 16)
    assert seen.copies() == {("b.tgz!1.json", 0): 5, ("a.tgz!1.json", 1): 2, ("\u00e9.json", 0): 1}
    monkeypatch.setattr(job, "NOTED_LIMIT", 3)  # four ids: past it, the driver holds none and a shuffle decides
    assert job.Seen().add(first).add(second).copies() is None


def test_a_task_reports_its_rows_and_the_copies_it_found():
    def summary(source, position, summary_id, user_id="u"):
        row = [None] * len(SUMMARY.names)
        row[0], row[-1], row[SUMMARY.names.index("summary_id")], row[SUMMARY.names.index("user_id")] = source, position, summary_id, user_id
        return decode.SUMMARY, tuple(row)

    def sample(source, position):
        return decode.SAMPLE, (None,) * (len(SAMPLE.names) - 4) + (source, position, "u", None)

    items = [summary("a.tgz!1.json", 0, "x"), summary("a.tgz!2.json", 0, None), summary("a.tgz!3.json", 0, "x"),
             (decode.ERROR, ("a.tgz!4.json",) + (None,) * 5),
             sample("a.tgz!1.json", 0), sample("a.tgz!2.json", 0), sample("a.tgz!3.json", 0), sample("a.tgz!3.json", 0)]

    class Into:
        def add(self, report):
            self.report = report

    into = Into()
    assert list(job._noted(3, iter(items), into, 1)) == items
    assert into.report.tasks == {(1, 3): (3, 1, 4)}
    assert into.report.ids == {("u", "x"): {("a.tgz!1.json", 0): 1, ("a.tgz!3.json", 0): 2}}


def test_a_task_gets_the_cores_no_other_task_of_its_stage_can_use():
    class Context:
        def __init__(self, master, cores, task_cpus="1"):
            self.master, self.defaultParallelism, self.task_cpus = master, cores, task_cpus

        def getConf(self):
            return {"spark.task.cpus": self.task_cpus}

    assert job._jobs(Context("local[4]", 4), 1) == 4  # one tar.gz: one task, four parsers
    assert job._jobs(Context("local[4]", 4), 3) == 1 and job._jobs(Context("local[4]", 4), 8) == 1
    assert job._jobs(Context("spark://m:7077", 64), 1) == 1  # a cluster's task has spark.task.cpus
    assert job._jobs(Context("yarn", 64, task_cpus="4"), 100) == 4


def test_the_command_line_refuses_what_it_cannot_run(capsys):
    from slipstream_spark.cli import main

    assert main(["summarize", "rides/", "--out", "lake/", "--", "--format", "csv"]) == 64
    assert "--format" in capsys.readouterr().err
    assert main(["summarize", "rides/"]) == 64  # no --out
    assert main(["summarize", "rides/", "--out", "lake/", "--partitions", "0"]) == 64
