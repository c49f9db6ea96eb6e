"""The job: list the inputs, decode them in tasks (decode.py), keep each activity once, write the
summaries, errors and samples as Parquet.

Deduplication: activities with the same (user_id, summary_id) are one activity; the copy kept is
the one whose `source` comes first in byte order (within one source, the first written). An
activity without a summary_id is always kept. Nothing else depends on how the inputs were split
into tasks, so the same inputs give the same rows whatever the partitioning; every row goes out
through Spark's output committer, so a retried task leaves nothing of its failed attempt.

A run is two Spark jobs without a shuffle (three with samples): the first decodes (one Python
stage, its rows cached) and writes the errors; the tasks tell the driver, through an accumulator,
each activity's (user_id, summary_id) and where they found it, so the driver knows the copies to
drop before the second job writes the summaries from the cache. Past NOTED_LIMIT activities, or
LISTED_LIMIT copies to drop, the copies are found by a shuffle instead (keep_once).
"""

import functools
import io
import os
from collections import namedtuple

from pyspark import AccumulatorParam, StorageLevel
from pyspark.sql import Observation, Window
from pyspark.sql import functions as F

from . import decode, inputs, schema

Report = namedtuple("Report", "inputs activities duplicates failed samples missing")

_TIMESTAMP_TYPE = "spark.sql.parquet.outputTimestampType"

# Activities with a summary_id the tasks name to the driver, at most (a few hundred bytes of the
# driver's memory each); past it, the copies are found by a shuffle.
NOTED_LIMIT = 200_000
# Copies to drop the summaries' filter names, at most; past it, a shuffle finds them.
LISTED_LIMIT = 1_000

# Rows a task writes at least (a Parquet file each, per start_date), when the rows are read back
# from the cache: about 100 MB of summaries (the whole activity is one of their columns), of samples.
SUMMARIES_PER_TASK = 10_000
SAMPLES_PER_TASK = 1_000_000

# Tasks over local files, by default: one a core (one wave: on few files each task more is a
# Python task and a Parquet file more), and more, up to two a core, only while each still reads
# this much, so a slow task holds the stage less.
TASK_BYTES = 1 << 30

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
    seen = sc.accumulator(Seen(), _SeenParam())
    frames, widths = _decoded(spark, files, missing, settings, partitions, reader, seen)
    # Rows cross from Python once, in the first job; what follows runs in the JVM, from the cache.
    decoded = functools.reduce(lambda a, b: a.union(b), frames).persist(StorageLevel.MEMORY_AND_DISK)
    previous = spark.conf.get(_TIMESTAMP_TYPE, None)
    spark.conf.set(_TIMESTAMP_TYPE, "TIMESTAMP_MICROS")
    # Counted while written (no job of their own), when the tasks' own counts cannot say.
    counted = {name: Observation(f"slipstream_{name}") for name in ("kept", "samples")}
    try:
        # First the errors: this write's tasks are the ones that run the binary (and fill the cache).
        (
            _kind(decoded, decode.ERROR)
            .sortWithinPartitions("source", "error_byte")
            .write.mode("overwrite")
            .parquet(_join(out, "errors"))
        )
        report = seen.value
        if report.complete(widths):
            decoded_rows, error_rows, sample_rows = report.counts()
        else:  # some task's report is missing (never seen): count from the cache
            found = dict(decoded.groupBy("kind").count().collect())
            decoded_rows, error_rows, sample_rows = (found.get(kind, 0) for kind in (decode.SUMMARY, decode.ERROR, decode.SAMPLE))
        drop = report.copies() if report.complete(widths) else None
        summaries = _kind(decoded, decode.SUMMARY)
        if drop is not None and len(drop) <= LISTED_LIMIT:
            kept = _fewer_tasks(_without(summaries, drop), decoded_rows - len(drop), SUMMARIES_PER_TASK, widths)
        else:  # too many to name, or not known here: a shuffle finds them
            drop = None
            width = sum(widths)  # as many shuffle partitions as decoding tasks
            kept = _count(keep_once(summaries.repartition(width, "user_id", "summary_id")), counted["kept"])
        (
            kept.sortWithinPartitions("start_date", "source", "_position")
            .drop("_position")
            .write.mode("overwrite")
            .partitionBy("start_date")
            .parquet(_join(out, "summaries"))
        )
        if drop is not None:
            kept_rows = decoded_rows - len(drop)
            sample_rows -= sum(drop.values())
        else:
            kept_rows = counted["kept"].get["rows"]
        if samples:
            rows = _kind(decoded, decode.SAMPLE)
            if drop is not None:
                rows = _fewer_tasks(_without(rows, drop), sample_rows, SAMPLES_PER_TASK, widths)
            else:  # the samples of the activities kept, found again from the cached rows
                keys = keep_once(_kind(decoded, decode.SUMMARY).repartition(width, "user_id", "summary_id"))
                rows = _count(rows.join(keys.select("source", "_position"), ["source", "_position"], "left_semi"), counted["samples"])
            (
                rows.sortWithinPartitions("start_date", "source", "_position", "timestamp")
                .select(*schema.COLUMNS_HEADER, "source", "user_id", "start_date")
                .write.mode("overwrite")
                .partitionBy("start_date")
                .parquet(_join(out, "samples"))
            )
            if drop is None:
                sample_rows = counted["samples"].get["rows"]
        else:
            sample_rows = 0
    finally:
        decoded.unpersist()
        if previous is None:
            spark.conf.unset(_TIMESTAMP_TYPE)
        else:
            spark.conf.set(_TIMESTAMP_TYPE, previous)
    return Report(len(files), kept_rows, decoded_rows - kept_rows, error_rows, sample_rows, missing)


def keep_once(summaries):
    """One row per (user_id, summary_id): the one from the first source in byte order."""
    copies = Window.partitionBy("user_id", "summary_id").orderBy("source", "_position")
    ranked = summaries.withColumn("_copy", F.row_number().over(copies))
    return ranked.filter(F.col("summary_id").isNull() | (F.col("_copy") == 1)).drop("_copy")


def _decoded(spark, files, missing, settings, partitions, reader, seen):
    """DataFrames of DECODED rows, and their partitions: every file decoded, and an error for each
    path that matched nothing. The decoding tasks add to `seen`."""
    sc = spark.sparkContext
    opened_here = [f for f in files if f.local_path is not None and reader == "auto"]
    through_spark = [f for f in files if f.local_path is None or reader == "spark"]
    groups = inputs.plan_groups(opened_here, partitions or _tasks(sc, opened_here)) if opened_here else []
    if through_spark:
        sources = sc.broadcast({f.uri: f for f in through_spark})
        contents = spark.read.format("binaryFile").load([inputs.escape_glob(f.uri) for f in through_spark])
        read = contents.select("path", "content").rdd
        if partitions and partitions < read.getNumPartitions():
            read = read.coalesce(partitions)
    settings = settings._replace(jobs=_jobs(sc, len(groups) + (read.getNumPartitions() if through_spark else 0)))
    parts = []
    if groups:
        parts.append(sc.parallelize(groups, len(groups)).mapPartitions(functools.partial(_decode_groups, settings=settings)))
    if through_spark:
        parts.append(read.mapPartitions(functools.partial(_decode_contents, settings=settings, sources=sources)))
    if missing:
        parts.append(sc.parallelize([(decode.ERROR, decode.unreadable(p, "no file matches this path")) for p in missing], 1))
    if not parts:
        parts.append(sc.parallelize([], 1))
    # Each part's tasks tag their rows and name their activities in the same Python process that
    # decoded them (the maps below pipeline with the decoding; a union of RDDs would not).
    frames = [
        # The rows are built to the schema (rows.py): not checked again, row by row, here.
        spark.createDataFrame(
            part.mapPartitionsWithIndex(functools.partial(_noted, seen=seen, part=index)).map(_tagged), schema.DECODED, verifySchema=False
        )
        for index, part in enumerate(parts)
    ]
    return frames, [part.getNumPartitions() for part in parts]


def _tasks(sc, files):
    """Tasks over local files when --partitions is not given: one a core at least, two at most,
    and between them one for each TASK_BYTES of input."""
    cores = max(1, sc.defaultParallelism)
    wanted = -(-sum(f.size for f in files) // TASK_BYTES)
    return max(cores, min(2 * cores, wanted))


def _jobs(sc, tasks):
    """The binary's --jobs: the cores a task has (spark.task.cpus); in local mode, where a stage of
    fewer tasks than cores leaves the others idle (one tar.gz is one task), the cores shared out."""
    cpus = int(sc.getConf().get("spark.task.cpus", "1"))
    if sc.master.startswith("local") and 0 < tasks:
        return max(cpus, sc.defaultParallelism // tasks)
    return cpus


def _decode_groups(groups, settings):
    for group in groups:
        yield from decode.decode_paths(group, settings)


def _decode_contents(rows, settings, sources):
    """Files read by Spark: a partition's rows one at a time, each row's bytes held only while sent."""
    by_uri = sources.value

    def units():
        for row in rows:
            file = by_uri.get(row.path) or inputs.InputFile(row.path, row.path, 0, None, inputs.is_archive_name(row.path))
            yield file._replace(size=len(row.content)), functools.partial(io.BytesIO, row.content)

    yield from decode.decode(units(), settings)


class Seen:
    """What the decoding tasks tell the driver. tasks: (part, partition) -> the task's (summaries,
    errors, samples) rows. ids: (user_id, summary_id) -> {(source, position): sample rows} of its
    copies; None past NOTED_LIMIT. Adding the same task's report twice (a stage run again, a
    speculative copy) changes nothing."""

    def __init__(self, tasks=None, ids=None):
        self.tasks = {} if tasks is None else tasks
        self.ids = {} if ids is None else ids

    def add(self, other):
        if self.ids is None or other.ids is None:
            self.ids = None
        else:
            for key, copies in other.ids.items():
                self.ids.setdefault(key, {}).update(copies)
            if len(self.ids) > NOTED_LIMIT:
                self.ids = None
        self.tasks.update(other.tasks)
        return self

    def complete(self, widths):
        """Whether every task said what it found (part i of the decoded rows has widths[i] tasks)."""
        return self.tasks.keys() == {(part, partition) for part, width in enumerate(widths) for partition in range(width)}

    def counts(self):
        """Summary, error and sample rows decoded, over all tasks."""
        return tuple(sum(column) for column in zip((0, 0, 0), *self.tasks.values()))

    def copies(self):
        """{(source, position): sample rows} of the copies to drop, or None when not known here."""
        if self.ids is None:
            return None
        drop = {}
        for found in self.ids.values():
            if len(found) > 1:
                first = min(found, key=_first_in_byte_order)
                drop.update((copy, samples) for copy, samples in found.items() if copy != first)
        return drop


class _SeenParam(AccumulatorParam):
    def zero(self, value):
        return Seen()

    def addInPlace(self, value, other):
        return value.add(other)


def _first_in_byte_order(copy):
    source, position = copy
    return source.encode("utf-8", "surrogatepass"), position


_SUMMARY_ID = schema.SUMMARY.names.index("summary_id")
_USER_ID = schema.SUMMARY.names.index("user_id")
_SAMPLE_OF = slice(len(schema.SAMPLE.names) - 4, len(schema.SAMPLE.names) - 2)  # (source, _position)


def _noted(partition, items, seen, part):
    """The items, unchanged; once all went by, the task's report added to `seen`."""
    ids = {}
    noted = {}  # (source, position) -> the copies' entry it counts its samples in
    counts = [0, 0, 0]
    for item in items:
        kind, row = item
        counts[kind] += 1
        if kind == decode.SUMMARY:
            if row[_SUMMARY_ID] is not None and ids is not None:
                copy = (row[0], row[-1])
                noted[copy] = ids.setdefault((row[_USER_ID], row[_SUMMARY_ID]), {})
                noted[copy][copy] = 0
                if len(ids) > NOTED_LIMIT:
                    ids = None
                    noted = {}
        elif kind == decode.SAMPLE:
            copy = row[_SAMPLE_OF]
            if copy in noted:
                noted[copy][copy] += 1
        yield item
    seen.add(Seen({(part, partition): tuple(counts)}, ids))


def _fewer_tasks(frame, rows, per_task, widths):
    """`frame` (read from the cache) in fewer tasks, and so fewer files, when its rows are few: one
    task for each `per_task` rows at least."""
    tasks = max(1, -(-rows // per_task))
    return frame.coalesce(tasks) if tasks < sum(widths) else frame


def _without(frame, copies):
    """`frame` without the rows of the activities `copies` names ((source, position) pairs)."""
    if not copies:
        return frame
    # One text per activity, in one set: a path or an archive member's name holds no NUL.
    named = sorted(f"{source}\0{position}" for source, position in copies)
    return frame.filter(~F.concat_ws("\0", "source", F.col("_position").cast("string")).isin(*named))


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
