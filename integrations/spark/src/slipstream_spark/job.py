"""The job: list the inputs, decode them in tasks (decode.py), keep each activity once, write the
summaries, errors and samples as Parquet.

Deduplication: activities with the same (user_id, summary_id) are one activity; the copy kept is
the one whose `source` comes first in byte order (within one source, the first written). An
activity without a summary_id is always kept. Nothing else depends on how the inputs were split
into tasks, so the same inputs give the same rows whatever the partitioning; every row goes out
through Spark's output committer, so a retried task leaves nothing of its failed attempt.
"""

import functools
import io
import os
from collections import namedtuple

from pyspark import StorageLevel
from pyspark.sql import Observation, Window
from pyspark.sql import functions as F

from . import decode, inputs, schema

Report = namedtuple("Report", "inputs activities duplicates failed samples missing")

_TIMESTAMP_TYPE = "spark.sql.parquet.outputTimestampType"

# `slipstream batch` options that would change the output the tasks read back.
OUTPUT_OPTIONS = {
    "--format", "--pretty", "-o", "--output", "--no-source-tags", "--no-error-records", "--fail-fast", "--stats",
    "--unordered", "--jobs",
}


def summarize(spark, paths, out, *, samples=False, partitions=None, binary=None, reader="auto", options=()):
    """Decodes the files `paths` name (paths or globs, any Hadoop file system) and writes
    `out/summaries/` (partitioned by start_date), `out/errors/` and, with `samples`,
    `out/samples/`, each replaced whole. Returns a Report of what was written.

    binary: a local path to the `slipstream` binary, shipped to the executors; None uses one
    shipped as `slipstream` (spark-submit --files) or on the executors' PATH. reader: "auto" opens
    local files in the task and reads any other file system through Spark (binaryFile); "spark"
    reads every file through Spark. options: extra `slipstream batch` options (`--ftp`, `--max-hr`…).
    """
    if reader not in ("auto", "spark"):
        raise ValueError(f"reader must be 'auto' or 'spark', not {reader!r}")
    for option in options:
        if option.split("=", 1)[0] in OUTPUT_OPTIONS:
            raise ValueError(f"{option}: the job sets how `slipstream batch` writes; give summary options and limits only")
    sc = spark.sparkContext
    files, missing = inputs.list_inputs(spark, list(paths))
    settings = decode.Settings(_ship(sc, binary), tuple(options), samples)
    records = _decoded(spark, files, missing, settings, partitions, reader)
    # Rows cross from Python once, here; what follows runs in the JVM, from the cache.
    decoded = spark.createDataFrame(records.map(_tagged), schema.DECODED).persist(StorageLevel.MEMORY_AND_DISK)
    previous = spark.conf.get(_TIMESTAMP_TYPE, None)
    spark.conf.set(_TIMESTAMP_TYPE, "TIMESTAMP_MICROS")
    # Counted while written (no job of their own): rows that reached each dataset.
    counted = {name: Observation(f"slipstream_{name}") for name in ("errors", "decoded", "kept", "samples")}
    try:
        # First the errors: no shuffle, so this write's tasks are the ones that run the binary.
        errors = _kind(decoded, decode.ERROR)
        (
            _count(errors, counted["errors"])
            .sortWithinPartitions("source", "error_byte")
            .write.mode("overwrite")
            .parquet(_join(out, "errors"))
        )
        # As many shuffle partitions as decoding tasks, not spark.sql.shuffle.partitions' 200.
        width = records.getNumPartitions()
        summaries = _kind(decoded, decode.SUMMARY)
        (
            keep_once(_count(summaries, counted["decoded"]).repartition(width, "user_id", "summary_id"))
            .transform(lambda kept: _count(kept, counted["kept"]))
            .sortWithinPartitions("start_date", "source", "_position")
            .drop("_position")
            .write.mode("overwrite")
            .partitionBy("start_date")
            .parquet(_join(out, "summaries"))
        )
        if samples:
            # The samples of the activities kept, found again from the cached rows.
            keys = keep_once(summaries.repartition(width, "user_id", "summary_id"))
            keys = keys.select("source", "_position", "user_id", "start_date").repartition(width, "source", "_position")
            rows = _kind(decoded, decode.SAMPLE)
            (
                rows.repartition(width, "source", "_position")
                .join(keys, ["source", "_position"])
                .transform(lambda joined: _count(joined, counted["samples"]))
                .sortWithinPartitions("start_date", "source", "_position", "timestamp")
                .select(*schema.COLUMNS_HEADER, "source", "user_id", "start_date")
                .write.mode("overwrite")
                .partitionBy("start_date")
                .parquet(_join(out, "samples"))
            )
        rows_in = {name: counted[name].get["rows"] for name in ("errors", "decoded", "kept")}
        sample_rows = counted["samples"].get["rows"] if samples else 0
    finally:
        decoded.unpersist()
        if previous is None:
            spark.conf.unset(_TIMESTAMP_TYPE)
        else:
            spark.conf.set(_TIMESTAMP_TYPE, previous)
    kept_rows = rows_in["kept"]
    return Report(len(files), kept_rows, rows_in["decoded"] - kept_rows, rows_in["errors"], sample_rows, missing)


def keep_once(summaries):
    """One row per (user_id, summary_id): the one from the first source in byte order."""
    copies = Window.partitionBy("user_id", "summary_id").orderBy("source", "_position")
    ranked = summaries.withColumn("_copy", F.row_number().over(copies))
    return ranked.filter(F.col("summary_id").isNull() | (F.col("_copy") == 1)).drop("_copy")


def _decoded(spark, files, missing, settings, partitions, reader):
    """An RDD of (kind, row): every file decoded, and an error for each path that matched nothing."""
    sc = spark.sparkContext
    opened_here = [f for f in files if f.local_path is not None and reader == "auto"]
    through_spark = [f for f in files if f.local_path is None or reader == "spark"]
    parts = []
    if opened_here:
        groups = inputs.plan_groups(opened_here, partitions or 2 * sc.defaultParallelism)
        parts.append(sc.parallelize(groups, len(groups)).mapPartitions(functools.partial(_decode_groups, settings=settings)))
    if through_spark:
        sources = sc.broadcast({f.uri: f for f in through_spark})
        contents = spark.read.format("binaryFile").load([inputs.escape_glob(f.uri) for f in through_spark])
        rdd = contents.select("path", "content").rdd
        if partitions and partitions < rdd.getNumPartitions():
            rdd = rdd.coalesce(partitions)
        parts.append(rdd.mapPartitions(functools.partial(_decode_contents, settings=settings, sources=sources)))
    if missing:
        unmatched = [(decode.ERROR, decode.unreadable(p, "no file matches this path")) for p in missing]
        parts.append(sc.parallelize(unmatched, 1))
    return sc.union(parts) if parts else sc.parallelize([], 1)


def _decode_groups(groups, settings):
    for group in groups:
        yield from decode.decode(((f, functools.partial(open, f.local_path, "rb")) for f in group), settings)


def _decode_contents(rows, settings, sources):
    """Files read by Spark: a partition's rows one at a time, each row's bytes held only while sent."""
    by_uri = sources.value

    def units():
        for row in rows:
            file = by_uri.get(row.path) or inputs.InputFile(row.path, row.path, 0, None, inputs.is_archive_name(row.path))
            yield file._replace(size=len(row.content)), functools.partial(io.BytesIO, row.content)

    yield from decode.decode(units(), settings)


def _count(frame, observation):
    return frame.observe(observation, F.count(F.lit(1)).alias("rows"))


_COLUMN = {decode.SUMMARY: "summary", decode.ERROR: "error", decode.SAMPLE: "sample"}


def _tagged(item):
    """(kind, row) as a DECODED row: the kind, and the row in its kind's column."""
    kind, row = item
    return (kind,) + tuple(row if column == kind else None for column in (decode.SUMMARY, decode.ERROR, decode.SAMPLE))


def _kind(decoded, kind):
    return decoded.filter(F.col("kind") == kind).select(f"{_COLUMN[kind]}.*")


def _ship(sc, binary):
    """Ships a local binary with the job; returns the name tasks find it by."""
    if binary is None:
        return None
    path = os.path.abspath(binary)
    if not os.path.isfile(path):
        raise FileNotFoundError(f"slipstream-spark: no binary at {binary}")
    sc.addFile(path)
    return os.path.basename(path)


def _join(directory, name):
    return directory.rstrip("/") + "/" + name
