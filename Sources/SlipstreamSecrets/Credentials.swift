// Keys and secrets: generated from the system's random source, API keys kept only as SHA-256,
// compared in constant time; HMAC-SHA256 for Terra's `terra-signature`.

import Crypto
import Foundation

public enum Credentials {
    /// A new API key: 32 random bytes as URL-safe base64 without padding (43 characters).
    public static func newAPIKey() -> String { base64URL(randomBytes(32)) }

    /// A webhook signing secret in the Standard Webhooks form: `whsec_` + base64 of 32 random bytes.
    public static func newWebhookSecret() -> String { "whsec_" + Data(randomBytes(32)).base64EncodedString() }

    /// A developer id from a name: its lowercase letters and digits, a dash, 8 random hex digits.
    public static func newDeveloperID(name: String) -> String {
        let slug = String(name.lowercased().map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "-" }.prefix(32))
            .split(separator: "-").joined(separator: "-")
        return (slug.isEmpty ? "dev" : slug) + "-" + hex(randomBytes(4))
    }

    public static func hash(apiKey: String) -> [UInt8] { Array(SHA256.hash(data: Data(apiKey.utf8))) }

    /// The first `count` bytes of the SHA-256 of `parts` one after another, as hex: a stable id for content.
    package static func contentID(_ parts: [[UInt8]], bytes count: Int) -> String {
        var hash = SHA256()
        for part in parts { hash.update(data: Data(part)) }
        return hex(hash.finalize().prefix(count))
    }

    /// True when `apiKey` hashes to `storedHash`, in time that does not depend on where they differ.
    public static func matches(apiKey: String, storedHash: [UInt8]) -> Bool {
        constantTimeEqual(hash(apiKey: apiKey), storedHash)
    }

    public static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for i in a.indices { difference |= a[i] ^ b[i] }
        return difference == 0
    }

    package static func randomBytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }

    package static func hex(_ bytes: some Sequence<UInt8>) -> String {
        bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
    }

    package static func base64URL(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(
            of: "/", with: "_"
        )
        .replacingOccurrences(of: "=", with: "")
    }
}
