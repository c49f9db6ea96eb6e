// Terra's webhook events other than data, as its OpenAPI document shapes them (AuthSuccessEvent,
// DeauthEvent, LargeRequestProcessingEvent, LargeRequestSendingEvent, HealthcheckEvent). Written
// when the event happens and kept with its outbox message.

import SlipstreamCore
import SlipstreamStorage

package enum TerraEvents {
    package static let version = "2022-03-16"

    package static func auth(_ user: ServiceUser) -> [UInt8] {
        event("auth", user) { w in
            w.key("status")
            w.string("success")
            w.key("message")
            w.string("User has successfully authenticated")
        }
    }

    package static func deauth(_ user: ServiceUser) -> [UInt8] {
        event("deauth", user) { w in
            w.key("status")
            w.string("success")
            w.key("message")
            w.string("User has been deauthenticated; all their data is deleted")
        }
    }

    package static func largeRequestProcessing(_ user: ServiceUser, reference: String) -> [UInt8] {
        event("large_request_processing", user) { w in
            w.key("status")
            w.string("processing")
            w.key("reference")
            w.string(reference)
            w.key("message")
            w.string("Large request is being processed; payloads will be delivered when ready")
        }
    }

    package static func largeRequestSending(_ user: ServiceUser, reference: String, expected: Int) -> [UInt8] {
        event("large_request_sending", user) { w in
            w.key("reference")
            w.string(reference)
            w.key("message")
            w.string("Large request payloads are being sent")
            w.key("expected_payloads")
            w.integer(expected)
        }
    }

    /// A test of the developer's endpoint, of no user (`HealthcheckEvent`): `created` (UTC µs) as
    /// `creation_timestamp`, and how many webhooks went out in the hour before it.
    package static func healthcheck(created: Int64, sentLastHour: Int = 0) -> [UInt8] {
        var w = JSONWriter()
        w.beginObject()
        w.key("type")
        w.string("healthcheck")
        w.key("status")
        w.string("normal")
        w.key("creation_timestamp")
        w.string(Timestamp.format(microseconds: created, offsetSeconds: 0))
        w.key("trend_percentage")
        w.integer(0)
        w.key("sent_webhooks_last_hour")
        w.integer(sentLastHour)
        w.key("version")
        w.string(version)
        w.endObject()
        return w.bytes
    }

    private static func event(_ type: String, _ user: ServiceUser, _ fields: (inout JSONWriter) -> Void) -> [UInt8] {
        var w = JSONWriter()
        w.beginObject()
        w.key("type")
        w.string(type)
        w.key("user")
        TerraJSON.user(user, into: &w)
        fields(&w)
        w.key("version")
        w.string(version)
        w.endObject()
        return w.bytes
    }
}
