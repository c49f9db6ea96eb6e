"""`slipstream-spark summarize INPUT… --out DIR`: the job from a shell or spark-submit.

Options after `--` go to `slipstream batch` (`-- --ftp 250 --max-hr 190`). Exit status as
`slipstream batch`'s: 0 when nothing failed, 65 when a payload or member failed (its row is in
DIR/errors/), 66 when an input matched no file, 64 for a usage error.
"""

import argparse
import os
import sys
import time

USAGE_ERROR, DATA_ERROR, NO_INPUT = 64, 65, 66


def parser():
    top = argparse.ArgumentParser(prog="slipstream-spark", description=__doc__.split("\n")[0])
    commands = top.add_subparsers(dest="command", required=True)
    run = commands.add_parser(
        "summarize",
        help="decode workout files into Terra Activity summaries (and samples) as Parquet",
        description="Decode FIT/Terra JSON files, gzip files and archives with the slipstream binary on Spark; "
        "write DIR/summaries/ (by start_date), DIR/errors/ and, with --samples, DIR/samples/ as Parquet.",
        epilog="Options after -- go to `slipstream batch` (summary options and limits): -- --ftp 250 --max-hr 190. "
        "Exit status: 0, 65 when a payload or member failed (its row is in DIR/errors/), 66 when an input matched no file.",
    )
    run.add_argument("inputs", nargs="+", metavar="INPUT", help="paths or globs (local, hdfs://, s3a://…)")
    run.add_argument("--out", required=True, metavar="DIR", help="where the datasets go (each replaced whole)")
    run.add_argument("--samples", action="store_true", help="also write every sample, one row per instant per activity")
    run.add_argument("--partitions", type=int, metavar="N", help="tasks that read local files (default: one a core; up to two a core past 1 GiB of input a task)")
    run.add_argument("--master", metavar="URL", help="Spark master (default: spark-submit's, else local[*])")
    run.add_argument("--binary", metavar="PATH", help="the slipstream binary to ship (default: one shipped with --files, else PATH's)")
    run.add_argument(
        "--reader",
        choices=["auto", "spark"],
        default="auto",
        help="auto: tasks open local files themselves, Spark reads the rest; spark: Spark reads every file",
    )
    return top


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    passed = []
    if "--" in argv:
        argv, passed = argv[: argv.index("--")], argv[argv.index("--") + 1 :]
    try:
        args = parser().parse_args(argv)
    except SystemExit as exit:
        return USAGE_ERROR if exit.code else 0
    if args.partitions is not None and args.partitions < 1:
        print("slipstream-spark: --partitions must be at least 1", file=sys.stderr)
        return USAGE_ERROR

    from pyspark.sql import SparkSession

    from .job import OUTPUT_OPTIONS, summarize

    refused = [option for option in passed if option.split("=", 1)[0] in OUTPUT_OPTIONS]
    if refused:
        print(f"slipstream-spark: {refused[0]}: give `slipstream batch` summary options and limits only", file=sys.stderr)
        return USAGE_ERROR

    builder = SparkSession.builder.appName("slipstream-spark")
    # Under spark-submit the gateway is already up and its master set.
    master = args.master or (None if os.environ.get("PYSPARK_GATEWAY_PORT") else "local[*]")
    if master:
        builder = builder.master(master)
    if master and master.startswith("local"):
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)  # the workers import this package too
    started = time.monotonic()
    spark = builder.getOrCreate()
    ready = time.monotonic()
    try:
        report = summarize(
            spark, args.inputs, args.out, samples=args.samples, partitions=args.partitions,
            binary=args.binary, reader=args.reader, options=passed,
        )
    finally:
        spark.stop()
    done = time.monotonic()
    for path in report.missing:
        print(f"slipstream-spark: {path}: no file matches", file=sys.stderr)
    line = (
        f"slipstream-spark: {report.inputs} files, {report.activities} activities"
        f" ({report.duplicates} duplicates dropped), {report.failed} failed"
    )
    if args.samples:
        line += f", {report.samples} sample rows"
    line += f" in {done - ready:.1f} s (Spark start-up {ready - started:.1f} s)"
    print(line, file=sys.stderr)
    if report.missing:
        return NO_INPUT
    return DATA_ERROR if report.failed else 0


if __name__ == "__main__":
    sys.exit(main())
