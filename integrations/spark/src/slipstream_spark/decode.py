"""What a task does: run the `slipstream` binary over its files and turn what it writes into rows.
The binary decodes; Python hands it files and reads rows back.

Files the task can open (local paths) are named on one `slipstream batch` command line (a few
thousand at most a process: see _ARGUMENT_BYTES), so the binary reads them itself, as `batch` run on
them would. Files held in memory (read through Spark) are streamed: the loose ones as the members of
one tar stream written to one `slipstream batch -` (tarstream.py), an archive whole to a process of
its own. With samples, a `slipstream columns` reads the same files or bytes beside it. The processes
write to temporary files, so feeding them never waits on reading them. Each output item is (KIND,
row).
"""

import json
import os
import shutil
import stat
import subprocess
import tempfile
from collections import namedtuple

from . import inputs, rows, schema, tarstream

SUMMARY, ERROR, SAMPLE = 0, 1, 2

# Where a SUMMARY row (schema.SUMMARY) holds what the samples and the deduplication need.
_SUMMARY_ID = schema.SUMMARY.names.index("summary_id")
_USER_ID = schema.SUMMARY.names.index("user_id")
_START_DATE = schema.SUMMARY.names.index("start_date")

# Bytes of paths on one command line: well under Linux's 128 KiB for one argument string and
# its 2 MiB for them all, however many files a task holds.
_ARGUMENT_BYTES = 100_000

BINARY_NAME = "slipstream"
STDIN = "<stdin>"

# binary: the name of a file shipped with SparkContext.addFile / --files, or None (then one
# shipped as `slipstream`, else `slipstream` on PATH); options: extra `slipstream batch` options;
# jobs: the binary's --jobs (the cores a task has).
Settings = namedtuple("Settings", "binary options samples jobs", defaults=(1,))


def find_binary(name):
    """The binary's path on this executor."""
    from pyspark import SparkFiles

    for candidate in [name] if name else [BINARY_NAME]:
        try:
            path = SparkFiles.get(candidate)
        except Exception:  # no SparkContext files here (a plain Python process)
            path = None
        if path and os.path.isfile(path):
            if not os.access(path, os.X_OK):
                os.chmod(path, os.stat(path).st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
            return path
    if name:
        raise FileNotFoundError(f"slipstream-spark: the binary {name!r} was not shipped to this executor")
    path = shutil.which(BINARY_NAME)
    if not path:
        raise FileNotFoundError(
            "slipstream-spark: no slipstream binary: ship it (spark-submit --files PATH/slipstream, or --binary) or put it on PATH"
        )
    return path


class Sources:
    """Turns the binary's `slipstream.source` into the input's name: `<stdin>!000012.json` is the
    twelfth loose file of the stream; for an archive streamed alone, `<stdin>` is the archive."""

    def __init__(self, archive=None):
        self.archive = archive
        self.members = {}

    def name(self, reported):
        if self.archive is not None:
            return self.archive + reported[len(STDIN):] if reported.startswith(STDIN) else reported
        member = reported[len(STDIN) + 1 :] if reported.startswith(STDIN + "!") else None
        if member not in self.members:
            raise RuntimeError(f"slipstream-spark: output names {reported!r}, which this task did not send")
        return self.members[member]


class Paths:
    """Turns the binary's `slipstream.source` into the input's name when the files were named on its
    command line: the path as given, or `path!member` for an archive's member."""

    def __init__(self, files):
        self.sources = {f.local_path: f.source for f in files}

    def name(self, reported):
        source = self.sources.get(reported)
        if source is not None:
            return source
        cut = reported.find("!")
        while cut != -1:  # a path may hold a '!' too: try each
            source = self.sources.get(reported[:cut])
            if source is not None:
                return source + reported[cut:]
            cut = reported.find("!", cut + 1)
        raise RuntimeError(f"slipstream-spark: output names {reported!r}, which this task did not name")


class Run:
    """One `slipstream batch` (and `columns`) over one byte stream on standard input, or over the
    files `paths` names."""

    def __init__(self, binary, settings, sources, paths=None):
        self.sources = sources
        self.processes = []
        # 66: a named file could not be opened (its error record is in the output, as for 65).
        self.accepted = (0, 65) if paths is None else (0, 65, 66)
        inputs = ["-"] if paths is None else ["--", *paths]
        jobs = ["--jobs", str(settings.jobs)]
        commands = [[binary, "batch", *jobs, "--source-tags", "--error-records", "--quiet", *settings.options, *inputs]]
        if settings.samples:
            commands.append([binary, "columns", *jobs, "--format", "ndjson", "--no-error-records", "--quiet", *_limits(settings.options), *inputs])
        for command in commands:
            out, err = tempfile.TemporaryFile(), tempfile.TemporaryFile()
            stdin = subprocess.PIPE if paths is None else subprocess.DEVNULL
            process = subprocess.Popen(command, stdin=stdin, stdout=out, stderr=err)
            self.processes.append((command, process, out, err))
        self.open = [process for _, process, _, _ in self.processes if process.stdin is not None]

    def write(self, chunk):
        for process in list(self.open):
            try:
                process.stdin.write(chunk)
            except BrokenPipeError:  # it stopped reading: its exit status says why
                self.open.remove(process)

    def close(self):
        for command, process, out, err in self.processes:
            try:
                if process.stdin is not None:
                    process.stdin.close()
            except BrokenPipeError:
                pass
            code = process.wait()
            if code not in self.accepted:  # 65: some payloads failed, and said so in the output
                err.seek(0)
                tail = err.read()[-2000:].decode("utf-8", "replace")
                raise RuntimeError(f"slipstream-spark: {' '.join(command[1:2])} exited with {code}: {tail}")
            err.close()

    def items(self):
        """The rows, once closed: summaries and errors in the binary's order, then samples (each
        with its activity's user_id and start_date)."""
        _, _, summaries, _ = self.processes[0]
        activities = []
        owners = {}
        positions = {}
        summaries.seek(0)
        for line in summaries:
            record = json.loads(line)
            ours = record.get("slipstream") if isinstance(record, dict) else None
            if not isinstance(ours, dict) or not isinstance(ours.get("source"), str):
                raise RuntimeError(f"slipstream-spark: an output line without slipstream.source: {line[:200]!r}")
            source = self.sources.name(ours["source"])
            if rows.is_error_record(record):
                yield ERROR, rows.error_row(record, source)
                continue
            ours["source"] = source
            position = positions.get(source, 0)
            positions[source] = position + 1
            row = rows.summary_row(record, source, position)
            activities.append((source, position, row[_SUMMARY_ID]))
            owners[(source, position)] = (row[_USER_ID], row[_START_DATE])
            yield SUMMARY, row
        summaries.close()
        if len(self.processes) > 1:
            _, _, samples, _ = self.processes[1]
            samples.seek(0)
            yield from ((SAMPLE, row + owners[row[-2:]]) for row in align_samples(samples, activities))
            samples.close()


def _limits(options):
    """The options `columns` shares with `batch` (read limits, --ignore-crc): the same bytes must
    give the same activities to both."""
    shared = ("--max-depth", "--max-token-bytes", "--max-samples", "--max-payload-bytes", "--ignore-crc")
    kept = []
    for i, option in enumerate(options):
        if option.split("=", 1)[0] in shared:
            kept.append(option)
            if "=" not in option and option != "--ignore-crc" and i + 1 < len(options):
                kept.append(options[i + 1])
    return kept


def align_samples(lines, activities):
    """`columns` rows with the (source, position) of their activity. `columns` names an activity
    only by its summary_id (or JSON path when it has none), in the order `batch` wrote them, and
    writes nothing for one without samples; its rows rise strictly in time within an activity, so
    a new activity begins where the name changes or time does not rise."""
    index = 0
    current = None
    previous = None
    for line in lines:
        values = rows.sample_values(json.loads(line))
        name, timestamp = values[0], values[1]
        if current is None or name != previous[0] or timestamp is None or previous[1] is None or timestamp <= previous[1]:
            while index < len(activities) and not _names(activities[index][2], name):
                index += 1
            if index == len(activities):
                raise RuntimeError(f"slipstream-spark: samples of {name!r} match no activity of this stream")
            current = activities[index]
            index += 1
        previous = (name, timestamp)
        yield values + (current[0], current[1])


def _names(summary_id, name):
    return summary_id == name if summary_id is not None else name is not None and name.startswith("$")


def _chunks(file):
    while True:
        chunk = file.read(tarstream.CHUNK)
        if not chunk:
            return
        yield chunk


def decode_paths(files, settings):
    """Rows from local files (InputFiles with a local_path), named on the binary's command line:
    the binary opens and reads them itself, archives and gzip files by their first bytes, as
    `slipstream batch` run on those paths does (a file it cannot open is an error row)."""
    binary = find_binary(settings.binary)
    for chunk in _argument_chunks(files):
        run = Run(binary, settings, Paths(chunk), [f.local_path for f in chunk])
        run.close()
        yield from run.items()


def _argument_chunks(files):
    chunk, size = [], 0
    for file in files:
        length = len(os.fsencode(file.local_path)) + 1
        if chunk and size + length > _ARGUMENT_BYTES:
            yield chunk
            chunk, size = [], 0
        chunk.append(file)
        size += length
    if chunk:
        yield chunk


def decode(units, settings):
    """Rows from `units`: (InputFile, open) pairs, where open() gives a binary file object or
    raises OSError. Loose files go to one tar stream, each archive to a run of its own (files held
    in memory; decode_paths reads local files)."""
    binary = find_binary(settings.binary)
    loose = None
    loose_sources = None
    for file, opener in units:
        try:
            stream = opener()
        except OSError as error:
            yield ERROR, unreadable(file.source, str(error))
            continue
        with stream:
            head = stream.read(inputs.HEAD_BYTES)
            if _read_whole(file, head):
                run = Run(binary, settings, Sources(archive=file.source))
                run.write(head)
                for chunk in _chunks(stream):
                    run.write(chunk)
                run.close()
                yield from run.items()
                continue
            if loose is None:
                loose_sources = Sources()
                loose = Run(binary, settings, loose_sources)
            name = tarstream.member_name(len(loose_sources.members), head)
            loose_sources.members[name] = file.source
            size = _size(stream, file.size)
            short = tarstream.write_member(loose.write, name, size, _prefixed(head, stream))
            if short:
                yield ERROR, unreadable(file.source, f"the file ended {short} bytes short of its listed size of {size}")
    if loose is not None:
        tarstream.end(loose.write)
        loose.close()
        yield from loose.items()


def _read_whole(file, head):
    """An archive, or gzip under a name that says nothing (it may hold a tar): a process of its
    own reads it as its first bytes say, as `batch` reads a file named on its command line."""
    if file.archive or inputs.is_archive_head(head):
        return True
    return head.startswith(tarstream.GZIP_MAGIC) and not inputs.is_payload_name(file.source)


def _size(stream, listed):
    try:
        return os.fstat(stream.fileno()).st_size
    except (OSError, AttributeError, ValueError):
        return listed


def _prefixed(head, stream):
    yield head
    yield from _chunks(stream)


def unreadable(source, message):
    return (source, "input-unreadable", message, None, None, None)
