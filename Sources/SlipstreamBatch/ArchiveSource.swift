// The only file that imports CArchive. It owns libarchive's read handles and turns them into
// `ByteSource`s: a member of a tar or zip archive, or a compressed stream, decompressed chunk by
// chunk straight into the caller's buffer. Nothing is extracted to disk or held whole in memory.
// Gzip is never libarchive's: it is inflated by SlipstreamInput's `GzipSource` (the inflater of
// request bodies too) and libarchive reads what comes out (a tar, or one payload).
//
// - `archive_read_free` is called in `deinit`; the handle never leaves the class.
// - A nested stream (a `.json.gz` member inside a tar) reads its compressed bytes through a C read
//   callback whose client data is an unretained pointer to a box the reader owns, so the box
//   outlives every callback. A Swift error cannot cross the C frames: the box keeps it and the
//   callback returns -1; `read` then throws the kept error.

internal import CArchive
import SlipstreamCore
import SlipstreamInput

/// What an opened file holds.
public enum ArchiveLayout: Sendable {
    /// tar or zip, plain or compressed (gzip, bzip2, xz, zstd ...): many members.
    case archive
    /// One compressed stream (`.json.gz`): a single member, the decompressed bytes.
    case compressedStream
    /// Whichever of the two the content is (a gzip stream holding a tar, or a payload).
    case any
}

/// One member of an archive, as its header describes it.
public struct ArchiveEntry: Sendable {
    /// The member's path inside the archive.
    public var path: String
    /// Regular files only; directories, links and devices are not payloads.
    public var isRegularFile: Bool
}

/// A libarchive read handle. Call ``nextEntry()`` and then read the entry's bytes until `read`
/// returns 0. Not thread-safe: one thread at a time (the batch reads an archive on one thread and
/// hands the members' bytes to its workers through pipes).
public final class ArchiveReader: ByteSource {
    public let name: String
    private let handle: OpaquePointer
    private var input: NestedInput?
    /// Compressed bytes our gzip inflater has consumed, when the input is gzip.
    private let gzipBytesRead: (() -> Int)?
    /// What the input's first bytes said it is compressed with, when the opener knew.
    public let compression: InputFormat?
    /// Decompressed bytes read from the current entry.
    private var entryBytes = 0
    private var entryPath = ""
    /// Size of the archive file, when it is one (for what damage leaves unread).
    private let fileBytes: Int?
    /// The header read ahead after a member's data failed (to learn whether the archive goes on).
    private var peeked: ArchiveEntry?
    /// The archive cannot be read past a damage: no more members.
    private var exhausted = false

    /// Opens `path` as an archive or as one compressed stream; `compression`: what its first bytes
    /// said it is compressed with (gzip, zstd...), so that a stream too short to be one is damage.
    public convenience init(path: String, layout: ArchiveLayout, compression: InputFormat? = nil)
        throws(SlipstreamError)
    {
        if compression == .gzip {
            let gzip = GzipSource(try FileSource(path: path))
            try self.init(
                nested: gzip, name: path, layout: layout, compression: .gzip, fileBytes: FileSystem.size(of: path),
                gzipBytesRead: { gzip.compressedBytesRead })
        } else {
            try self.init(file: path, layout: layout, compression: compression)
        }
    }

    private init(file path: String, layout: ArchiveLayout, compression: InputFormat?) throws(SlipstreamError) {
        name = path
        fileBytes = FileSystem.size(of: path)
        gzipBytesRead = nil
        self.compression = compression
        handle = Self.makeHandle(layout)
        guard archive_read_open_filename(handle, path, 1 << 16) == ARCHIVE_OK else {
            // deinit frees the handle. A file that opens but does not decompress is damaged.
            guard let fileBytes else {
                throw SlipstreamError(.inputUnreadable, "cannot open: \(Self.errorText(handle))", source: path)
            }
            throw SlipstreamError(
                .damagedArchive, "cannot decompress: \(Self.errorText(handle))", source: path, byteOffset: fileBytes)
        }
        try checkDecompresses(compression)
    }

    /// A stream whose magic says it is compressed, but which libarchive could not take as such: cut
    /// within its header.
    private func checkDecompresses(_ compression: InputFormat?) throws(SlipstreamError) {
        // Gzip is inflated before libarchive (GzipSource says when it is cut within its header).
        guard let compression, compression != .tar, compression != .zip, compression != .gzip,
            archive_filter_code(handle, 0) == ARCHIVE_FILTER_NONE
        else { return }
        let size = fileBytes ?? input?.bytesRead ?? 0
        throw SlipstreamError(
            .damagedArchive,
            "cannot decompress: a \(compression.rawValue) stream cut within its header (\(size) bytes)", source: name,
            byteOffset: size)
    }

    /// Decompresses the bytes of `source`, a gzip stream (a `.json.gz` member), as they are read.
    public convenience init(decompressing source: some ByteSource, name: String) throws(SlipstreamError) {
        try self.init(reading: source, name: name, layout: .compressedStream, compression: .gzip)
    }

    /// Reads an archive or a compressed stream from `source` (standard input, a pipe, an archive
    /// member) as its bytes are read.
    public convenience init(
        reading source: some ByteSource, name: String, layout: ArchiveLayout, compression: InputFormat? = nil
    ) throws(SlipstreamError) {
        if compression == .gzip {
            let gzip = GzipSource(source)
            try self.init(
                nested: gzip, name: name, layout: layout, compression: .gzip, fileBytes: nil,
                gzipBytesRead: { gzip.compressedBytesRead })
        } else {
            try self.init(
                nested: source, name: name, layout: layout, compression: compression, fileBytes: nil, gzipBytesRead: nil
            )
        }
    }

    private init(
        nested source: some ByteSource, name: String, layout: ArchiveLayout, compression: InputFormat?, fileBytes: Int?,
        gzipBytesRead: (() -> Int)?
    ) throws(SlipstreamError) {
        self.name = name
        self.fileBytes = fileBytes
        self.gzipBytesRead = gzipBytesRead
        self.compression = compression
        handle = Self.makeHandle(layout)
        let input = NestedInput(source)
        self.input = input
        let context = Unmanaged.passUnretained(input).toOpaque()
        guard archive_read_open(handle, context, nil, nestedRead, nil) == ARCHIVE_OK else {
            throw decompressionFailure(input.failure, read: nil)
                ?? SlipstreamError(
                    .damagedArchive, "cannot decompress: \(Self.errorText(handle))", source: name,
                    byteOffset: input.bytesRead)
        }
        try checkDecompresses(compression)
    }

    /// What the source of a gzip stream threw, said as libarchive's own decompression failures are:
    /// `cannot decompress: truncated gzip input (N bytes … read before it)`, at the compressed byte.
    private func decompressionFailure(_ failure: SlipstreamError?, read: String?, source: String? = nil)
        -> SlipstreamError?
    {
        guard let failure, gzipBytesRead != nil, failure.kind == .damagedArchive else { return failure }
        let detail = read.map { " (\($0))" } ?? ""
        return SlipstreamError(
            .damagedArchive, "cannot decompress: \(failure.message)\(detail)", source: source ?? name,
            byteOffset: failure.byteOffset ?? compressedBytesRead)
    }

    deinit { archive_read_free(handle) }

    private static func makeHandle(_ layout: ArchiveLayout) -> OpaquePointer {
        guard let handle = archive_read_new() else { fatalError("archive_read_new failed: out of memory") }
        // Every filter but gzip, which GzipSource inflates before libarchive sees the bytes.
        archive_read_support_filter_bzip2(handle)
        archive_read_support_filter_xz(handle)
        archive_read_support_filter_lzma(handle)
        archive_read_support_filter_zstd(handle)
        archive_read_support_filter_lz4(handle)
        archive_read_support_filter_compress(handle)
        switch layout {
        case .archive:
            archive_read_support_format_tar(handle)
            archive_read_support_format_zip(handle)
            archive_read_support_format_empty(handle)
        case .compressedStream:
            archive_read_support_format_raw(handle)
            archive_read_support_format_empty(handle)
        case .any:
            // raw bids least: a tar or zip inside the compression wins, anything else is one stream.
            archive_read_support_format_tar(handle)
            archive_read_support_format_zip(handle)
            archive_read_support_format_raw(handle)
            archive_read_support_format_empty(handle)
        }
        return handle
    }

    private static func errorText(_ handle: OpaquePointer) -> String {
        guard let text = archive_error_string(handle) else { return "the compressed data is damaged or cut short" }
        return String(cString: text)
    }

    /// The next member, or nil at the end of the archive.
    /// - Throws: kind `damagedArchive` when the archive itself is damaged (truncated, bad header,
    ///   bad compression).
    ///   The message then says how many bytes of the archive are left unread.
    public func nextEntry() throws(SlipstreamError) -> ArchiveEntry? {
        if let peeked {
            self.peeked = nil
            entryBytes = 0
            entryPath = peeked.path
            return peeked
        }
        if exhausted { return nil }
        var entry: OpaquePointer?
        let status = archive_read_next_header(handle, &entry)
        if status == ARCHIVE_EOF {
            // libarchive may take a source that failed for one that ended: the failure stands.
            if let failure = decompressionFailure(input?.failure, read: nil) {
                exhausted = true
                throw failure
            }
            return nil
        }
        guard status == ARCHIVE_OK || status == ARCHIVE_WARN, let entry else {
            exhausted = true
            let error =
                decompressionFailure(input?.failure, read: nil)
                ?? SlipstreamError(.damagedArchive, Self.errorText(handle), source: name)
            throw withUnreadBytes(error)
        }
        let path = archive_entry_pathname(entry).map { String(cString: $0) } ?? ""
        entryBytes = 0
        entryPath = path
        return ArchiveEntry(path: path, isRegularFile: carchive_entry_is_regular_file(entry) != 0)
    }

    /// After a member's data failed: reads the next header now, so that the member's error can say
    /// whether the archive goes on (a zip's members stand apart) or ends here (a damaged gzip stream).
    private func probeNextEntry(after error: SlipstreamError) -> SlipstreamError {
        // Only a file can be probed: a stream (standard input, a member) is not read past its damage.
        guard fileBytes != nil else { return error }
        var entry: OpaquePointer?
        let status = archive_read_next_header(handle, &entry)
        if status == ARCHIVE_EOF {
            exhausted = true
        } else if status == ARCHIVE_OK || status == ARCHIVE_WARN, let entry {
            peeked = ArchiveEntry(
                path: archive_entry_pathname(entry).map { String(cString: $0) } ?? "",
                isRegularFile: carchive_entry_is_regular_file(entry) != 0)
        } else {
            exhausted = true
            return withUnreadBytes(error)
        }
        return error
    }

    /// The error with "the archive cannot be read past this point: N of M bytes left unread".
    private func withUnreadBytes(_ error: SlipstreamError) -> SlipstreamError {
        guard let fileBytes else { return error }
        var named = error
        let unread = max(0, fileBytes - compressedBytesRead)
        named.message +=
            unread == 0
            ? "; the archive ends here: it is truncated"
            : "; the archive cannot be read past this point: \(unread) of \(fileBytes) bytes left unread"
        return named
    }

    /// After the first ``nextEntry()``: the input is one compressed stream (a `.json.gz`), not an archive.
    public var isSingleStream: Bool { archive_format(handle) == ARCHIVE_FORMAT_RAW }

    /// Bytes of the archive file (compressed) consumed so far, for progress.
    public var compressedBytesRead: Int { gzipBytesRead?() ?? Int(archive_filter_bytes(handle, -1)) }

    /// - Throws: kind `damagedArchive` when the member's data is damaged; its message says when the
    ///   archive cannot be read past the damage.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(SlipstreamError) -> Int {
        var count = archive_read_data(handle, buffer.baseAddress, buffer.count)
        if count == 0, input?.failure != nil { count = -1 }
        guard count >= 0 else {
            // Located by the compressed byte where decompressing broke; a member also by its own bytes.
            let single = isSingleStream
            let member = !single && fileBytes != nil && !entryPath.isEmpty ? "\(name)!\(entryPath)" : name
            let read =
                single
                ? "\(entryBytes) bytes decompressed before it" : "\(entryBytes) bytes of \(entryPath) read before it"
            let error =
                decompressionFailure(input?.failure, read: single && entryBytes == 0 ? nil : read, source: member)
                ?? SlipstreamError(
                    .damagedArchive, "cannot decompress: \(Self.errorText(handle)) (\(read))", source: member,
                    byteOffset: compressedBytesRead)
            throw probeNextEntry(after: error)
        }
        entryBytes += count
        return count
    }
}

/// The compressed bytes of a nested stream, read through libarchive's callback.
private final class NestedInput {
    var source: any ByteSource
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 16)
    var failure: SlipstreamError?
    /// Compressed bytes handed to libarchive so far.
    var bytesRead = 0

    init(_ source: some ByteSource) { self.source = source }
    deinit { buffer.deallocate() }
}

private func nestedRead(
    _ archive: OpaquePointer?, _ context: UnsafeMutableRawPointer?, _ out: UnsafeMutablePointer<UnsafeRawPointer?>?
) -> la_ssize_t {
    let input = Unmanaged<NestedInput>.fromOpaque(context!).takeUnretainedValue()
    do {
        let count = try input.source.read(into: input.buffer)
        input.bytesRead += count
        out?.pointee = UnsafeRawPointer(input.buffer.baseAddress)
        return la_ssize_t(count)
    } catch {
        input.failure = error
        carchive_set_error(archive, "\(error)")
        return -1
    }
}
