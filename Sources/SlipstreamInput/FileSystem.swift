// Files by path (kinds, identities, directory listings, renames) and facts about this process.

import SlipstreamCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// One file, whatever the path that names it.
public struct FileIdentity: Hashable, Sendable {
    public var device: UInt64
    public var inode: UInt64
}

/// Files by path, beyond reading and writing them.
public enum FileSystem {
    /// Removes a file; true when it is gone.
    @discardableResult
    public static func remove(_ path: String) -> Bool { unlink(path) == 0 }

    /// What a path names, following symbolic links to files but not to directories (no walk loops).
    public enum Kind: Sendable { case file, directory, other, missing }

    public static func kind(of path: String) -> Kind {
        var info = stat()
        guard lstat(path, &info) == 0 else { return .missing }
        var mode = info.st_mode & S_IFMT
        if mode == S_IFLNK {
            guard stat(path, &info) == 0 else { return .missing }
            mode = info.st_mode & S_IFMT
            return mode == S_IFREG ? .file : .other
        }
        return mode == S_IFREG ? .file : mode == S_IFDIR ? .directory : .other
    }

    /// The device and inode of what a path names (links followed): two paths name one file when
    /// theirs are equal. Nil when nothing is there.
    public static func identity(of path: String) -> FileIdentity? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return FileIdentity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
    }

    /// Size in bytes of a file; 0 when unknown.
    public static func size(of path: String) -> Int {
        var info = stat()
        return stat(path, &info) == 0 ? Int(info.st_size) : 0
    }

    /// The names in a directory, sorted bytewise, without `.` and `..`.
    public static func contents(of directory: String) throws(SlipstreamError) -> [String] {
        guard let handle = opendir(directory) else {
            throw SlipstreamError(
                .inputUnreadable, "cannot open directory: \(String(cString: strerror(errno)))", source: directory)
        }
        defer { closedir(handle) }
        var names: [String] = []
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    /// Renames `from` to `to`, replacing `to` (atomic within one file system).
    public static func rename(_ from: String, to: String) throws(SlipstreamError) {
        guard systemRename(from, to) == 0 else {
            throw SlipstreamError(
                .outputFailed, "cannot rename \(from): \(String(cString: strerror(errno)))", source: to)
        }
    }

    /// This process's id.
    public static var processID: Int { Int(getpid()) }

    /// Number of processors this process may run on.
    public static var processorCount: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }

    /// Whether standard error is a terminal (progress lines are drawn only then).
    public static var standardErrorIsTerminal: Bool { isatty(2) == 1 }

    /// A path in the temporary directory that no other process of this name uses.
    public static func temporaryPath(named stem: String, extension suffix: String) -> String {
        "/tmp/\(stem)-\(getpid()).\(suffix)"
    }
}

/// This process's memory, from Linux's `/proc/self`.
public enum ProcessMemory {
    /// Peak resident set size (`VmHWM`) in bytes since start or the last ``resetPeak()``; nil when unknown.
    public static func peakResidentBytes() -> Int? {
        guard let source = try? FileSource(path: "/proc/self/status") else { return nil }
        var text: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while let count = try? chunk.withUnsafeMutableBytes({ buffer throws(SlipstreamError) in
            try source.read(into: buffer)
        }),
            count > 0
        {
            text.append(contentsOf: chunk[0..<count])
        }
        for line in text.split(separator: UInt8(ascii: "\n")) where line.starts(with: Array("VmHWM:".utf8)) {
            let digits = line.filter { $0 >= 48 && $0 <= 57 }
            guard let kilobytes = Int(String(decoding: digits, as: UTF8.self)) else { return nil }
            return kilobytes * 1024
        }
        return nil
    }

    /// Starts a new peak at the current resident size (writes 5 to `/proc/self/clear_refs`); false when not allowed.
    @discardableResult
    public static func resetPeak() -> Bool {
        let fd = open("/proc/self/clear_refs", O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        return systemWrite(fd, "5", 1) == 1
    }
}

private func systemRename(_ from: String, _ to: String) -> Int32 { rename(from, to) }
