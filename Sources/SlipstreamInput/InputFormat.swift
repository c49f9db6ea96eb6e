// What the first bytes of an input say it is: a payload (JSON, FIT), a compressed stream or an
// archive, or binary data that is neither.

/// What the first bytes of an input say it is.
public enum InputFormat: String, Sendable {
    case json, fit, gzip, zip, zstd, bzip2, xz, tar
    /// Neither a payload nor an archive: binary data (an image, a document...), said as it is.
    case binary

    /// The format of an input that starts with `prefix`; nil while more bytes are needed to tell
    /// (at most ``bytesToTell``). Anything that is none of the others is JSON: its parser says what
    /// is wrong with it.
    public static func detect(_ prefix: UnsafeRawBufferPointer, isComplete: Bool) -> InputFormat? {
        guard let first = prefix.first else { return isComplete ? .json : nil }
        // Magic numbers: gzip 1F 8B, zip "PK\3\4", zstd 28 B5 2F FD, bzip2 "BZh", xz FD "7zXZ".
        let magics: [(InputFormat, [UInt8])] = [
            (.gzip, [0x1F, 0x8B]), (.zip, [0x50, 0x4B, 0x03, 0x04]), (.zstd, [0x28, 0xB5, 0x2F, 0xFD]),
            (.bzip2, [0x42, 0x5A, 0x68]), (.xz, [0xFD, 0x37, 0x7A, 0x58, 0x5A]),
        ]
        for (format, magic) in magics where magic.first == first {
            let n = min(magic.count, prefix.count)
            guard prefix.prefix(n).elementsEqual(magic.prefix(n)) else { continue }
            if n == magic.count { return format }
            if !isComplete { return nil }
        }
        // FIT: a header of 12 or 14 bytes whose bytes 8...11 are ".FIT".
        if first == 12 || first == 14 {
            if prefix.count >= 12 { return prefix[8...11].elementsEqual(".FIT".utf8) ? .fit : .json }
            // A header cut short is still a FIT file's once what there is of ".FIT" matches.
            if prefix.count >= 9 && prefix[8...].elementsEqual(".FIT".utf8.prefix(prefix.count - 8)) {
                return isComplete ? .fit : nil
            }
            return isComplete ? .json : nil
        }
        // Binary data: a control byte other than white space, or a byte that starts no UTF-8 text
        // (0x80-0xBF, 0xF8-0xFF) where JSON must begin. (0xEF starts a byte-order mark.)
        if (first < 0x20 && first != 0x09 && first != 0x0A && first != 0x0D) || (first >= 0x80 && first < 0xC2)
            || first >= 0xF5
        {
            return .binary
        }
        // tar: "ustar" at byte 257; JSON cannot start with a name's bytes, so only a letter, digit
        // or punctuation a file name may start with needs the wait.
        if first != UInt8(ascii: "{") && first != UInt8(ascii: "[") && first > 0x20 && first != 0xEF {
            if prefix.count >= 262 { return prefix[257...261].elementsEqual("ustar".utf8) ? .tar : .json }
            return isComplete ? .json : nil
        }
        return .json
    }

    /// The most bytes ``detect(_:isComplete:)`` needs.
    public static let bytesToTell = 262

    /// What binary data that is no payload looks like, from its first bytes: `a PNG image (first
    /// bytes 89 50 4E 47)`.
    public static func describeBinary(_ prefix: UnsafeRawBufferPointer) -> String {
        let known: [(String, [UInt8])] = [
            ("a PNG image", [0x89, 0x50, 0x4E, 0x47]), ("a JPEG image", [0xFF, 0xD8, 0xFF]),
            ("a GIF image", Array("GIF8".utf8)),
            ("a PDF document", Array("%PDF".utf8)), ("a SQLite database", Array("SQLite format 3".utf8)),
            ("an ELF executable", [0x7F, 0x45, 0x4C, 0x46]),
        ]
        let first = prefix.prefix(8).map { byte in
            let hex = String(byte, radix: 16, uppercase: true)
            return hex.count == 1 ? "0" + hex : hex
        }.joined(separator: " ")
        let kind = known.first { prefix.starts(with: $0.1) }?.0 ?? "binary data"
        return "\(kind) (first bytes \(first))"
    }
}
