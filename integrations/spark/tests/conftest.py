"""Shared fixtures: one SparkSession for every test, the rides the tests read, what
`slipstream batch` and `slipstream columns` make of them, and the job's output over them.

SLIPSTREAM_BIN names the binary (default: the repository's .build/debug/slipstream).
"""

import gzip
import io
import json
import os
import shlex
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pyarrow.parquet as pq
import pytest

REPOSITORY = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="session")
def binary():
    path = Path(os.environ.get("SLIPSTREAM_BIN") or REPOSITORY / ".build/debug/slipstream").resolve()
    if not path.is_file():
        pytest.fail(f"no slipstream binary at {path}: build it (swift build) or set SLIPSTREAM_BIN")
    return str(path)


@pytest.fixture(scope="session")
def spark():
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    from pyspark.sql import SparkSession

    # local[2,4]: two cores as local[2], and a failed task tried up to 4 times (local mode's
    # default is once), as a cluster retries it: the retry test needs that.
    session = (
        SparkSession.builder.master("local[2,4]")
        .appName("slipstream-spark tests")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def generate(binary, *args):
    return subprocess.run([binary, "generate", *args], check=True, capture_output=True).stdout


@pytest.fixture(scope="session")
def rides(tmp_path_factory, binary):
    """A directory tree and archives of FIT and JSON rides, damaged members among them:

    rides/        ride-1.json, ride-2.json, ride-3.json.gz, sub/ride-4.fit (two sessions),
                  cut.json (a ride cut short), notes.txt (not a payload name: skipped)
    exports.tar.gz  exports/ride-6.json, exports/ride-7.fit, exports/cut.fit (a FIT file cut short)
    again.tar.gz    exports/ride-6.json again (the same activity in a second archive), exports/ride-9.json
    more.zip        ride-10.json
    """
    root = tmp_path_factory.mktemp("rides")
    tree = root / "rides"
    (tree / "sub").mkdir(parents=True)
    (tree / "ride-1.json").write_bytes(generate(binary, "--seconds", "600", "--seed", "1"))
    (tree / "ride-2.json").write_bytes(generate(binary, "--seconds", "900", "--seed", "2"))
    (tree / "ride-3.json.gz").write_bytes(gzip.compress(generate(binary, "--seconds", "300", "--seed", "3"), mtime=0))
    (tree / "sub" / "ride-4.fit").write_bytes(generate(binary, "--format", "fit", "--seconds", "600", "--seed", "4", "--activities", "2"))
    (tree / "cut.json").write_bytes(generate(binary, "--seconds", "600", "--seed", "5")[:5000])
    (tree / "notes.txt").write_text("not a payload\n")

    def archive(name, members):
        with tarfile.open(root / name, "w:gz") as tar:
            for member, data in members.items():
                info = tarfile.TarInfo(member)
                info.size = len(data)
                tar.addfile(info, fileobj=io.BytesIO(data))

    ride6 = generate(binary, "--seconds", "600", "--seed", "6")
    archive("exports.tar.gz", {
        "exports/ride-6.json": ride6,
        "exports/ride-7.fit": generate(binary, "--format", "fit", "--seconds", "600", "--seed", "7"),
        "exports/cut.fit": generate(binary, "--format", "fit", "--seconds", "600", "--seed", "8")[:3000],
    })
    archive("again.tar.gz", {
        "exports/ride-6.json": ride6,
        "exports/ride-9.json": generate(binary, "--seconds", "600", "--seed", "9"),
    })
    with zipfile.ZipFile(root / "more.zip", "w") as zip:
        zip.writestr("ride-10.json", generate(binary, "--seconds", "300", "--seed", "10"))
    return root


@pytest.fixture(scope="session")
def inputs(rides):
    return [str(rides / "rides"), str(rides / "exports.tar.gz"), str(rides / "again.tar.gz"), str(rides / "more.zip")]


def run_binary(binary, *args):
    """Standard output of a `slipstream` command that may exit 65 (a payload failed)."""
    result = subprocess.run([binary, *args], capture_output=True)
    assert result.returncode in (0, 65), result.stderr.decode()
    return result.stdout.decode()


@pytest.fixture(scope="session")
def batch_records(binary, inputs):
    """`slipstream batch --jobs 2`'s NDJSON over the inputs, parsed."""
    return [json.loads(line) for line in run_binary(binary, "batch", "--jobs", "2", "-q", *inputs).splitlines()]


@pytest.fixture(scope="session")
def batch_csv(binary, inputs):
    return run_binary(binary, "batch", "--jobs", "2", "-q", "--format", "csv", *inputs)


@pytest.fixture(scope="session")
def columns_rows(binary, inputs):
    """`slipstream columns`' NDJSON over the inputs, parsed."""
    return [json.loads(line) for line in run_binary(binary, "columns", "--format", "ndjson", "-q", *inputs).splitlines()]


def read(path):
    """A Parquet dataset as a list of dicts (start_date, a partition, as text)."""
    table = pq.read_table(path)
    rows = table.to_pylist()
    for row in rows:
        if "start_date" in row and row["start_date"] is not None:
            row["start_date"] = str(row["start_date"])
    return rows


def written(out):
    """What a run wrote: summaries, errors and samples (when there), each as sorted rows."""
    datasets = {}
    for name in ("summaries", "errors", "samples"):
        if (out / name).exists():
            datasets[name] = sorted(read(out / name), key=lambda row: json.dumps(row, sort_keys=True, default=str))
    return datasets


@pytest.fixture(scope="session")
def reference_run(spark, binary, inputs, rides, tmp_path_factory):
    """The job over the inputs (and a path that matches nothing), with samples, in three tasks."""
    from slipstream_spark import summarize

    out = tmp_path_factory.mktemp("reference") / "lake"
    report = summarize(
        spark, inputs + [str(rides / "missing" / "*.json")], str(out), samples=True, partitions=3, binary=binary
    )
    return report, out, written(out)


@pytest.fixture
def killer(tmp_path, binary):
    """A stand-in for the binary that kills the Python worker running it (the task's process on
    the executor) when it is the second process started (the second task's: each task runs one
    process over its files), once; every other start runs the binary."""
    marks = tmp_path / "marks"
    marks.mkdir()
    script = tmp_path / "slipstream-killer"
    script.write_text(
        "#!/bin/sh\n"
        f"marks={shlex.quote(str(marks))}\n"
        'for n in 1 2 3; do mkdir "$marks/$n" 2>/dev/null && break; done\n'
        'if [ "$n" = 2 ] && mkdir "$marks/killed" 2>/dev/null; then kill -9 "$PPID"; exit 137; fi\n'
        f"exec {shlex.quote(binary)} \"$@\"\n"
    )
    script.chmod(0o755)
    return script, marks
