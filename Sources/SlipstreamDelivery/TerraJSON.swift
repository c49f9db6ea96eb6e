// The small JSON objects in Terra's shapes that both webhook bodies and API answers hold.

import SlipstreamCore
import SlipstreamStorage

package enum TerraJSON {
    /// Terra's `TerraUser`.
    package static func user(_ user: ServiceUser, into writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("user_id")
        writer.string(user.id)
        writer.key("provider")
        writer.string(user.provider)
        writer.key("created_at")
        writer.string(
            Timestamp.format(microseconds: Int64(user.createdAt.timeIntervalSince1970 * 1_000_000), offsetSeconds: 0))
        writer.key("last_webhook_update")
        writer.null()
        writer.key("scopes")
        writer.null()
        writer.key("reference_id")
        if let reference = user.referenceID { writer.string(reference) } else { writer.null() }
        writer.key("active")
        writer.bool(true)
        writer.endObject()
    }

    package static func status(_ writer: inout JSONWriter) {
        writer.key("status")
        writer.string("success")
    }

    /// `{"status":"success"}`
    package static func statusObject(_ writer: inout JSONWriter) {
        writer.beginObject()
        status(&writer)
        writer.endObject()
    }
}
