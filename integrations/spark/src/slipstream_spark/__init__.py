"""Slipstream on Apache Spark: workout files to Terra Activity summaries and samples as Parquet.

    from slipstream_spark import summarize
    report = summarize(spark, ["s3a://bucket/exports/"], "s3a://bucket/slipstream", samples=True)
"""

from .job import Report, keep_once, summarize

__all__ = ["Report", "keep_once", "summarize"]
