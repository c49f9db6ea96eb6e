"""What the job reads: paths and globs listed through Hadoop's FileSystem (local, HDFS, s3a, …) on
the driver, directories walked for the names `slipstream batch` takes, and the files put into
groups of about equal bytes, one group per task."""

import os
from collections import namedtuple

# source: the name written in `source` (a local file's path, else its URI); uri: Hadoop's name
# for it; local_path: where a task can open it itself (file: URIs), else None; archive: read as one
# unit by a process of its own.
InputFile = namedtuple("InputFile", "source uri size local_path archive")

ARCHIVE_SUFFIXES = (".tar", ".tar.gz", ".tgz", ".tar.zst", ".tzst", ".tar.bz2", ".tar.xz", ".zip")
PAYLOAD_SUFFIXES = (".json", ".ndjson", ".fit", ".json.gz", ".ndjson.gz", ".fit.gz")

# First bytes of archives that must be read as a whole: zip, zstd, bzip2, xz; tar says `ustar`
# at byte 257. (gzip may be one payload or a tar.gz: a loose file's name decides.)
_ARCHIVE_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"\x28\xb5\x2f\xfd", b"BZh", b"\xfd7zXZ\x00")
HEAD_BYTES = 262


def is_archive_name(name):
    return name.lower().endswith(ARCHIVE_SUFFIXES)


def is_payload_name(name):
    """A name `slipstream batch` takes when it walks a directory."""
    return name.lower().endswith(PAYLOAD_SUFFIXES) or is_archive_name(name)


def is_archive_head(head):
    return head.startswith(_ARCHIVE_MAGIC) or head[257:262] == b"ustar"


def list_inputs(spark, patterns):
    """The files the patterns name, sorted by source, and the patterns that matched nothing.

    A pattern is a path or glob (Hadoop's glob syntax) on any Hadoop file system; a directory is
    walked recursively for the names `slipstream batch` takes (others are skipped, as batch skips
    them); a file named or matched directly is read whatever its name. Local directories are
    walked here, with no round trip to the JVM per file."""
    jvm = spark._jvm
    conf = spark._jsc.hadoopConfiguration()
    found = {}
    missing = []
    for pattern in patterns:
        path = jvm.org.apache.hadoop.fs.Path(pattern)
        fs = path.getFileSystem(conf)
        statuses = fs.globStatus(path)
        if not statuses:
            missing.append(pattern)
            continue
        for status in statuses:
            name = status.getPath().toString()  # as Spark's file sources write `path`
            local = _local_path(name)
            if local is not None:
                _add_local(found, local, walk=status.isDirectory())
            elif status.isDirectory():
                walked = fs.listFiles(status.getPath(), True)
                while walked.hasNext():
                    child = walked.next()
                    if is_payload_name(child.getPath().getName()):
                        _add(found, child.getPath().toString(), None, child.getLen())
            else:
                _add(found, name, None, status.getLen())
    return sorted(found.values(), key=lambda f: f.source), missing


def _local_path(name):
    """`/rides/a b.json` for Hadoop's `file:/rides/a b.json`; None for other file systems."""
    path = name[len("file:") :] if name.startswith("file:") else None
    return path if path is not None and path.startswith("/") and not path.startswith("//") else None


def _add_local(found, path, walk):
    if not walk:
        _add(found, "file:" + path, path, os.stat(path).st_size)
        return
    for directory, subdirectories, names in os.walk(path, followlinks=True):
        subdirectories.sort()
        for name in sorted(names):
            child = os.path.join(directory, name)
            if is_payload_name(name) and os.path.isfile(child):
                _add(found, "file:" + child, child, os.stat(child).st_size)


def _add(found, uri, local, size):
    found[uri] = InputFile(
        source=local if local is not None else uri,
        uri=uri,
        size=size,
        local_path=local,
        archive=is_archive_name(uri),
    )


def plan_groups(files, count):
    """`files` in at most `count` groups of about equal bytes (largest first, each to the lightest
    group; ties to the lowest group), every group in source order. Depends only on the files."""
    count = max(1, min(count, len(files)))
    groups = [[] for _ in range(count)]
    loads = [0] * count
    for file in sorted(files, key=lambda f: (-f.size, f.source)):
        lightest = min(range(count), key=lambda i: (loads[i], i))
        groups[lightest].append(file)
        loads[lightest] += max(file.size, 1)
    return [sorted(group, key=lambda f: f.source) for group in groups if group]


def escape_glob(uri):
    """A URI that Spark's file sources read as itself, not as a glob."""
    return "".join("\\" + c if c in "\\*?[]{}" else c for c in uri)
