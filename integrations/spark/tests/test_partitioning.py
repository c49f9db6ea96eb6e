"""The same inputs give the same rows whatever the tasks, whoever reads the files, whichever way
the copies are found, and when a task is killed and retried."""

from conftest import written

from slipstream_spark import job, summarize


def without_missing(datasets):
    return {**datasets, "errors": [row for row in datasets["errors"] if "missing" not in row["source"]]}


def test_one_task_writes_what_three_write(spark, binary, inputs, reference_run, tmp_path):
    _, _, reference = reference_run
    summarize(spark, inputs, str(tmp_path), samples=True, partitions=1, binary=binary)
    assert written(tmp_path) == without_missing(reference)


def test_files_read_through_spark_give_the_same_rows(spark, binary, inputs, reference_run, tmp_path):
    _, _, reference = reference_run
    summarize(spark, inputs, str(tmp_path), partitions=2, binary=binary, reader="spark")
    assert written(tmp_path) == {key: value for key, value in without_missing(reference).items() if key != "samples"}


def test_a_killed_task_is_retried_and_writes_no_duplicate(spark, inputs, reference_run, killer, tmp_path):
    _, _, reference = reference_run
    script, marks = killer
    report = summarize(spark, inputs, str(tmp_path / "lake"), partitions=2, binary=str(script))
    assert (marks / "killed").is_dir(), "no task was killed"
    datasets = written(tmp_path / "lake")
    summaries = datasets["summaries"]
    assert len({(row["source"], row["summary_id"]) for row in summaries}) == len(summaries) == report.activities
    assert len({row["source"] for row in datasets["errors"]}) == len(datasets["errors"]) == 2
    assert datasets == {key: value for key, value in without_missing(reference).items() if key != "samples"}


def test_copies_found_by_a_shuffle_are_those_the_driver_drops(spark, binary, inputs, reference_run, tmp_path, monkeypatch):
    _, _, reference = reference_run
    monkeypatch.setattr(job, "LISTED_LIMIT", 0)  # one copy is too many to name: keep_once, after a shuffle
    report = summarize(spark, inputs, str(tmp_path), samples=True, partitions=2, binary=binary)
    assert (report.activities, report.duplicates) == (10, 1)
    assert written(tmp_path) == without_missing(reference)
