"""A tar stream written on the fly: a task's loose files go to one `slipstream` process as the
members of one archive on its standard input, so each file stays a payload of its own (its own
errors, offsets and source) without a process per file."""

import tarfile

BLOCK = 512
CHUNK = 1 << 20

GZIP_MAGIC = b"\x1f\x8b"


def member_name(index, head):
    """The name under which the binary reads a loose file: it reads `.json` members as JSON or FIT
    (told from their bytes) and `.json.gz` members through gzip, so the name follows the bytes."""
    return f"{index:06d}.json.gz" if head.startswith(GZIP_MAGIC) else f"{index:06d}.json"


def header(name, size):
    info = tarfile.TarInfo(name)
    info.size = size
    info.mode = 0o644
    return info.tobuf(format=tarfile.USTAR_FORMAT)


def write_member(write, name, size, chunks):
    """Writes one member of `size` bytes from `chunks` (an iterable of bytes). Returns how many
    bytes the chunks fell short of `size` (the rest is written as zeros, as tar needs it)."""
    write(header(name, size))
    written = 0
    for chunk in chunks:
        chunk = chunk[: size - written]
        if chunk:
            write(chunk)
            written += len(chunk)
        if written == size:
            break
    missing = size - written
    padding = missing + (-size % BLOCK)
    while padding:
        step = min(padding, CHUNK)
        write(bytes(step))
        padding -= step
    return missing


def end(write):
    write(bytes(2 * BLOCK))
