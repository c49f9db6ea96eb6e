// A message's webhook body, made one way for the worker (which streams it) and the dashboard (which
// shows it): an event's body as stored; an activity rebuilt from storage as Terra's webhook sends it,
//   {"type":"activity","user":{…},"version":"2022-03-16","data":[ summary with its samples ]}

import SlipstreamCore
import SlipstreamStorage

/// The bodies of outbox messages, byte for byte what the delivery worker sends.
public enum MessageBodies {
    /// The body the worker sends for `record`.
    /// - Parameters:
    ///   - event: the message's stored body (events), as ``DashboardStore/delivery(id:developerID:)`` gives it.
    ///   - scopes: the developer's data scopes, which an activity's body is cut to.
    /// - Throws: when the activity the message names is no longer stored, or storage fails.
    public static func bytes(
        of record: DeliveryRecord, event: [UInt8]?, scopes: DataScopes, from storage: any ActivityStore & AccountStore
    ) async throws -> [UInt8] {
        let chunks = try await chunks(
            userID: record.userID, developerID: record.developerID, summaryID: record.summaryID, event: event,
            scopes: scopes, from: storage)
        var bytes: [UInt8] = []
        chunks.forEach { bytes += $0 }
        return bytes
    }

    /// The body of a message as chunks, built as they are read.
    package static func chunks(
        userID: String, developerID: String, summaryID: String?, event: [UInt8]?, scopes: DataScopes,
        from storage: any ActivityStore & AccountStore
    ) async throws -> MessageChunks {
        if let event { return MessageChunks(bytes: event) }
        guard let summaryID,
            let activity = try await storage.activity(userID: userID, summaryID: summaryID),
            let user = try await storage.user(id: userID, developerID: developerID)
        else { throw DeliveryError.gone }
        var head = JSONWriter()
        head.beginObject()
        head.key("type")
        head.string("activity")
        head.key("user")
        TerraJSON.user(user, into: &head)
        head.key("version")
        head.string(TerraEvents.version)
        head.key("data")
        head.beginArray()
        return try MessageChunks(
            activity: ScopeFilter.apply(scopes, to: activity), head: head.bytes, tail: Array("]}".utf8))
    }
}
