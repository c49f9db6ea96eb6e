// The files of a `multipart/form-data` body (RFC 7578), split as the bytes arrive: each part's
// bytes are handed on at once, never held whole. Only what a file upload form sends is read: each
// part's name from its Content-Disposition `filename`.

import HTTPTypes
import NIOCore

struct MultipartFiles {
    private enum State { case preamble, afterDelimiter, headers, body, done }

    private let delimiter: [UInt8]
    private var state = State.preamble
    private var pending: [UInt8] = []

    var isComplete: Bool { state == .done }

    init(boundary: String) {
        // The first delimiter has no CRLF before it: the preamble is searched with one prepended.
        delimiter = Array("\r\n--\(boundary)".utf8)
        pending = [13, 10]
    }

    /// The boundary of a `multipart/form-data; boundary=…` content type.
    static func boundary(_ contentType: String) -> String? {
        for parameter in contentType.split(separator: ";").dropFirst() {
            let parts = parameter.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces).lowercased() == "boundary" else {
                continue
            }
            let value = parts[1].trimmingCharacters(in: .whitespaces).trimmingCharacters(in: ["\""])
            return (1...70).contains(value.count) ? value : nil
        }
        return nil
    }

    mutating func feed(
        _ chunk: ByteBuffer, start: (String) -> Void, bytes: (UnsafeRawBufferPointer) -> Void, end: () -> Void
    ) throws {
        pending += chunk.readableBytesView
        var at = 0
        loop: while true {
            switch state {
            case .done:
                at = pending.count  // the epilogue: read and dropped, never held
                break loop
            case .preamble:
                guard let found = find(delimiter, from: at) else {
                    at = max(at, pending.count - delimiter.count)
                    break loop
                }
                at = found + delimiter.count
                state = .afterDelimiter
            case .afterDelimiter:
                guard pending.count - at >= 2 else { break loop }
                if pending[at] == 45 && pending[at + 1] == 45 {  // "--": the last one
                    state = .done
                } else {
                    state = .headers
                }
            case .headers:
                let found = find(Array("\r\n\r\n".utf8), from: at)
                guard (found ?? pending.count) - at <= 16 << 10 else {
                    throw Problem.badRequest("a multipart part's head passes 16 KiB")
                }
                guard let found else { break loop }
                let head = String(decoding: pending[at..<found], as: UTF8.self)
                start(Self.filename(head) ?? "unnamed file")
                at = found + 4
                state = .body
            case .body:
                if let found = find(delimiter, from: at) {
                    pending[at..<found].withUnsafeBytes { bytes($0) }
                    end()
                    at = found + delimiter.count
                    state = .afterDelimiter
                } else {
                    let keep = max(at, pending.count - delimiter.count + 1)
                    pending[at..<keep].withUnsafeBytes { bytes($0) }
                    at = keep
                    break loop
                }
            }
        }
        pending.removeFirst(at)
    }

    private func find(_ needle: [UInt8], from start: Int) -> Int? {
        guard pending.count - start >= needle.count else { return nil }
        let first = needle[0]
        var i = start
        let last = pending.count - needle.count
        while i <= last {
            if pending[i] == first && pending[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }

    /// `filename="…"` of a part's Content-Disposition.
    static func filename(_ head: String) -> String? {
        guard let range = head.range(of: "filename=\"") else { return nil }
        let rest = head[range.upperBound...]
        guard let close = rest.firstIndex(of: "\"") else { return nil }
        let name = String(rest[..<close])
        return name.isEmpty ? nil : name
    }
}
