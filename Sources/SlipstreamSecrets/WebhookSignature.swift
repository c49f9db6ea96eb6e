// The two signatures on every delivery, computed while the body streams by:
//   terra-signature: t=UNIX,v1=HEX(HMAC-SHA256(secret text, "{t}.{body}"))           (Terra's SDKs)
//   webhook-signature: v1,BASE64(HMAC-SHA256(base64 secret, "{id}.{t}.{body}"))       (Standard Webhooks)

import Crypto
import Foundation

package struct WebhookSigner {
    private var terra: HMAC<SHA256>
    private var standard: HMAC<SHA256>
    package let messageID: String
    package let timestamp: Int64

    /// `secret` is `whsec_` + base64 of the key bytes; a secret without that form keys both with its text.
    package init(secret: String, messageID: String, timestamp: Int64) {
        self.messageID = messageID
        self.timestamp = timestamp
        terra = HMAC<SHA256>(key: SymmetricKey(data: Data(secret.utf8)))
        terra.update(data: Data("\(timestamp).".utf8))
        let keyBytes = secret.hasPrefix("whsec_") ? Data(base64Encoded: String(secret.dropFirst(6))) : nil
        standard = HMAC<SHA256>(key: SymmetricKey(data: keyBytes ?? Data(secret.utf8)))
        standard.update(data: Data("\(messageID).\(timestamp).".utf8))
    }

    package mutating func update(_ chunk: [UInt8]) {
        terra.update(data: chunk)
        standard.update(data: chunk)
    }

    /// The headers, once the whole body went by.
    package func headers() -> [(String, String)] {
        [
            ("terra-signature", "t=\(timestamp),v1=" + Credentials.hex(terra.finalize())),
            ("webhook-id", messageID),
            ("webhook-timestamp", String(timestamp)),
            ("webhook-signature", "v1," + Data(standard.finalize()).base64EncodedString()),
        ]
    }
}
