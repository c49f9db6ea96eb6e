"""The job as spark-submit runs it: the binary shipped with --files, found by the tasks in
SparkFiles; the exit status says a member failed; the datasets are there."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import REPOSITORY, written


def test_spark_submit_with_the_binary_in_files(binary, rides, reference_run, tmp_path):
    _, _, reference = reference_run
    submit = Path(sys.executable).parent / "spark-submit"
    shipped = tmp_path / "slipstream"  # tasks look for the name `slipstream` among the files
    shutil.copy(binary, shipped)
    out = tmp_path / "lake"
    result = subprocess.run(
        [
            str(submit), "--master", "local[1]", "--conf", "spark.ui.enabled=false",
            "--conf", "spark.ui.showConsoleProgress=false", "--files", str(shipped),
            str(REPOSITORY / "integrations/spark/submit.py"),
            "summarize", str(rides / "rides"), "--out", str(out),
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "PYSPARK_PYTHON": sys.executable},
        timeout=300,
    )
    assert result.returncode == 65, result.stderr[-3000:]  # rides/cut.json
    # spark-submit hands the Python driver's standard error to its own standard output.
    said = [line for line in (result.stdout + result.stderr).splitlines() if line.startswith("slipstream-spark:")]
    assert said and said[-1].startswith("slipstream-spark: 5 files, 5 activities (0 duplicates dropped), 1 failed in "), said
    datasets = written(out)
    tree = str(rides / "rides") + "/"
    assert datasets["summaries"] == [row for row in reference["summaries"] if row["source"].startswith(tree)]
    assert [row["source"] for row in datasets["errors"]] == [tree + "cut.json"]
