"""The Spark job against `slipstream batch --jobs 2` on the same files in the same run.

    scripts/ensure-spark.sh && .build/spark-venv/bin/python scripts/bench-spark.py [--binary PATH] [--rides 100 400] [--repeat 5]

For each size in RIDES: that many one-hour rides (`slipstream generate --seconds 3600 --seed N`) as
a directory and as one tar.gz. Then in local[2], and after it in local[1], REPEAT rounds, each
alternating `batch --jobs 2` on an input with the job (slipstream_spark.summarize) on the same
input, so the machine's other load falls on both alike. Prints Markdown tables of medians (wall
seconds, activities/s, MB/s of JSON, the ratio to batch in the same phase) and, from two sizes, the
job's fixed and per-ride cost. The SparkSession's start-up (the JVM's, for the first) and each
SparkContext's first job (classes loaded, code compiled, Python workers started) are apart.
"""

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent
MASTERS = ("local[2]", "local[1]")


def arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--binary", default=str(REPOSITORY / ".build/release/slipstream"))
    parser.add_argument("--rides", type=int, nargs="+", default=[100])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--work", help="where the rides and outputs go (default: a temporary directory)")
    return parser.parse_args()


def make_rides(binary, count, work):
    """rides-COUNT/ (the first COUNT seeds) and rides-COUNT.tar.gz; returns them and the JSON bytes."""
    every = work / "generated"
    every.mkdir(parents=True, exist_ok=True)
    tree = work / f"rides-{count}"
    tree.mkdir(exist_ok=True)
    for seed in range(1, count + 1):
        name = f"ride-{seed:04d}.json"
        if not (every / name).exists():
            with open(every / name, "wb") as out:
                subprocess.run([binary, "generate", "--seconds", "3600", "--seed", str(seed)], stdout=out, check=True)
        if not (tree / name).exists():
            os.link(every / name, tree / name)
    archive = work / f"rides-{count}.tar.gz"
    if not archive.exists():
        with tarfile.open(archive, "w:gz", compresslevel=6) as tar:
            tar.add(tree, arcname="rides")
    return {"directory": tree, "tar.gz": archive}, sum(p.stat().st_size for p in tree.iterdir())


def timed(run):
    started = time.monotonic()
    result = run()
    return time.monotonic() - started, result


def batch(binary, path):
    def run():
        subprocess.run([binary, "batch", "--jobs", "2", "-q", str(path)], stdout=subprocess.DEVNULL, check=True)

    return timed(run)[0]


def session(master):
    from pyspark.sql import SparkSession

    seconds, spark = timed(
        lambda: SparkSession.builder.master(master)
        .appName("slipstream-spark bench")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.memory", "2g")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    return spark, seconds


def job(spark, binary, path, out):
    from slipstream_spark import summarize

    seconds, report = timed(lambda: summarize(spark, [str(path)], str(out), binary=binary))
    assert report.failed == 0 and report.activities > 0, report
    return seconds


def main():
    args = arguments()
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    binary = str(Path(args.binary).resolve())
    work = Path(args.work) if args.work else Path(tempfile.mkdtemp(prefix="bench-spark-"))
    sizes = {count: make_rides(binary, count, work) for count in args.rides}
    out = work / "out"
    times = {}

    def record(name, seconds):
        times.setdefault(name, []).append(seconds)
        print(f"  {name}: {seconds:.2f} s", file=sys.stderr, flush=True)

    startups = {}
    for master in MASTERS:
        spark, startups[master] = session(master)
        smallest = min(sizes)
        record(f"first job, {master}", job(spark, binary, sizes[smallest][0]["directory"], out))
        for _ in range(args.repeat):
            for count, (inputs, _) in sizes.items():
                for kind, path in inputs.items():
                    # batch in each phase, beside the job: the ratio is taken within the phase.
                    record(f"batch --jobs 2 ({master} phase), {count}, {kind}", batch(binary, path))
                    record(f"spark {master}, {count}, {kind}", job(spark, binary, path, out))
        spark.stop()
    shutil.rmtree(out, ignore_errors=True)

    median = {name: statistics.median(values) for name, values in times.items()}
    print(f"\nmachine: {os.cpu_count()} cores, {cpu_model()}, Python {platform.python_version()}, {java_version()}")
    for count, (inputs, json_bytes) in sizes.items():
        megabytes = json_bytes / 1e6
        print(f"\n{count} one-hour rides, {megabytes:.0f} MB of JSON; median of {args.repeat} runs\n")
        print("| run | input | wall (s) | activities/s | MB/s | vs `batch --jobs 2` in the same phase |")
        print("|---|---|---:|---:|---:|---:|")
        for master in MASTERS:
            for runner in (f"batch --jobs 2 ({master} phase)", f"spark {master}"):
                for kind in inputs:
                    seconds = median[f"{runner}, {count}, {kind}"]
                    ratio = seconds / median[f"batch --jobs 2 ({master} phase), {count}, {kind}"]
                    print(f"| {runner} | {kind} | {seconds:.2f} | {count / seconds:.0f} | {megabytes / seconds:.0f} | {ratio:.2f}x |")
        for kind in inputs:
            scale = median[f"spark local[1], {count}, {kind}"] / median[f"spark local[2], {count}, {kind}"]
            print(f"\nlocal[1] -> local[2], {kind}: rows/s x{scale:.2f}", end="")
        print()
    print()
    for master in MASTERS:
        print(f"{master}: Spark start-up {startups[master]:.1f} s; first job {median[f'first job, {master}']:.2f} s")
    print("(local[1]'s SparkContext starts in the JVM that local[2]'s started: its start-up leaves the JVM's out.)")
    if len(sizes) >= 2:
        small, large = min(sizes), max(sizes)
        for runner in ("batch --jobs 2 (local[2] phase)", "spark local[2]"):
            a, b = median[f"{runner}, {small}, directory"], median[f"{runner}, {large}, directory"]
            per_ride = (b - a) / (large - small)
            print(f"{runner}, directory: {a - per_ride * small:.2f} s fixed + {per_ride * 100:.2f} s per 100 rides")


def cpu_model():
    try:
        for line in subprocess.run(["lscpu"], capture_output=True, text=True).stdout.splitlines():
            if line.startswith("Model name:"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def java_version():
    result = subprocess.run(["java", "-version"], capture_output=True, text=True)
    return (result.stderr.splitlines() or ["java ?"])[0]


if __name__ == "__main__":
    main()
