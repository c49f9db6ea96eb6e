// `terra-signature: t=UNIX,v1=HEX`: HMAC-SHA256 of "{t}.{raw body}" keyed with the signing secret's
// text. Checked on the body as it streams in: `update` per chunk, `verify` at the end.

import Crypto
import Foundation

public struct TerraSignature {
    public enum Failure: Error, Equatable, CustomStringConvertible {
        case missing, malformed, stale(seconds: Int64), mismatch
        public var description: String {
            switch self {
            case .missing: "the terra-signature header is missing"
            case .malformed: "the terra-signature header is not t=UNIX,v1=HEX"
            case .stale(let seconds):
                "the terra-signature timestamp is \(seconds) s away from now, beyond the tolerance"
            case .mismatch: "the terra-signature does not match the body"
            }
        }
    }

    private var hmac: HMAC<SHA256>
    private let expected: [[UInt8]]

    /// Starts checking a body signed by `header`, at `now` (unix seconds), accepting a timestamp at
    /// most `tolerance` seconds away.
    public init(header: String?, secret: String, now: Int64, tolerance: Int64) throws(Failure) {
        guard let header else { throw .missing }
        var timestamp: String?
        var signatures: [[UInt8]] = []
        for part in header.split(separator: ",") {
            let pair = part.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1).map(String.init)
            guard pair.count == 2 else { throw .malformed }
            switch pair[0] {
            case "t": timestamp = pair[1]
            case "v1":
                guard let bytes = Self.bytes(hex: pair[1]) else { throw .malformed }
                signatures.append(bytes)
            default: continue
            }
        }
        guard let timestamp, let seconds = Int64(timestamp), !signatures.isEmpty else { throw .malformed }
        guard abs(now - seconds) <= tolerance else { throw .stale(seconds: now - seconds) }
        hmac = HMAC<SHA256>(key: SymmetricKey(data: Data(secret.utf8)))
        hmac.update(data: Data((timestamp + ".").utf8))
        expected = signatures
    }

    public mutating func update(_ chunk: UnsafeRawBufferPointer) { hmac.update(data: chunk) }

    /// Throws `.mismatch` unless one of the header's `v1` signatures is the body's.
    public consuming func verify() throws(Failure) {
        let actual = Array(hmac.finalize())
        guard expected.contains(where: { Credentials.constantTimeEqual($0, actual) }) else { throw .mismatch }
    }

    /// The header for `body` signed at `timestamp` (for tests and for our own pushes).
    public static func header(body: [UInt8], secret: String, timestamp: Int64) -> String {
        var hmac = HMAC<SHA256>(key: SymmetricKey(data: Data(secret.utf8)))
        hmac.update(data: Data("\(timestamp).".utf8))
        hmac.update(data: body)
        return "t=\(timestamp),v1=" + Credentials.hex(hmac.finalize())
    }

    private static func bytes(hex: String) -> [UInt8]? {
        let digits = Array(hex.utf8)
        guard digits.count % 2 == 0, !digits.isEmpty else { return nil }
        var result: [UInt8] = []
        for i in stride(from: 0, to: digits.count, by: 2) {
            guard let byte = UInt8(String(decoding: digits[i..<i + 2], as: UTF8.self), radix: 16) else { return nil }
            result.append(byte)
        }
        return result
    }
}
