// Data scopes: stored as one line of text, applied by cutting a summary's top-level members and
// leaving samples out, to webhook bodies and history answers alike, on both databases; an event out
// of scope is skipped, and widening the scopes again gives everything back.

import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Slipstream
import SlipstreamStorage
import Testing

@testable import SlipstreamDelivery

@Suite struct DataScopesTests {
    static let narrow = DataScopes(
        events: ["activity"], data: ["heart_rate_data", "distance_data"], samples: [.heartRate, .power],
        slipstream: false)

    @Test func scopesAreStoredAsOneLineOfText() {
        #expect(
            Self.narrow.text
                == "events=activity;data=distance_data,heart_rate_data;samples=heart_rate,power;slipstream=0")
        #expect(DataScopes(text: Self.narrow.text) == Self.narrow)
        #expect(DataScopes(text: nil) == .everything)
        #expect(DataScopes(text: DataScopes.everything.text) == .everything)
        // Names this version does not know are dropped; an empty list is nothing.
        let odd = DataScopes(text: "events=auth,future_event;data=;samples=heart_rate,gills;slipstream=1")
        #expect(odd == DataScopes(events: ["auth"], data: [], samples: [.heartRate], slipstream: true))
        // Power's samples are in scope but its group is not: they are not sent.
        #expect(!Self.narrow.sends(samplesOf: .power))
        #expect(Self.narrow.sends(samplesOf: .heartRate))
        #expect(Self.narrow.sends(member: "metadata") && !Self.narrow.sends(member: "slipstream"))
        #expect(Self.narrow.sends(event: "historical") && !Self.narrow.sends(event: "auth"))
    }

    @Test func membersAreCutByTheirKeysWhateverTheirValuesHold() {
        let summary = Array(
            #"{"metadata":{"name":"a}b,\"c"},"heart_rate_data":{"x":[1,{"y":"]"}]},"power_data":null,"slipstream":{"n":1},"TSS_data":7}"#
                .utf8)
        let kept = ScopeFilter.members(of: summary) { ["metadata", "power_data", "TSS_data"].contains($0) }
        #expect(
            String(decoding: kept, as: UTF8.self) == #"{"metadata":{"name":"a}b,\"c"},"power_data":null,"TSS_data":7}"#)
        let none = ScopeFilter.members(of: summary) { _ in false }
        #expect(none == Array("{}".utf8))
        #expect(ScopeFilter.members(of: summary) { _ in true } == summary)
    }

    @Test(arguments: StorageKind.available) func scopesCutWhatIsSentNeverWhatIsStored(_ kind: StorageKind) async throws
    {
        let receiver = WebhookReceiver()
        try await receiver.start()
        defer { receiver.stop() }
        let f = try await ServiceFixture.make(kind, webhookURL: receiver.url)
        #expect(try await f.storage.replaceScopes(developerID: f.developer.id, scopes: Self.narrow))
        #expect(try await f.storage.developer(id: f.developer.id)?.scopes == Self.narrow)
        #expect(try await !f.storage.replaceScopes(developerID: "nobody", scopes: Self.narrow))
        let history = { @Sendable (client: any TestClientProtocol, user: String) in
            try await client.execute(
                uri:
                    "/v2/activity?user_id=\(user)&start_date=2024-05-01&end_date=2024-06-01&to_webhook=false&with_samples=true",
                method: .get, headers: f.headers
            ) { r in try #require(try json(r.body)["data"] as? [[String: Any]]) }
        }
        let user = try await f.test { client in
            let user = try await f.newUser(client)
            try await client.execute(
                uri: "/v2/ingest?user_id=\(user)", method: .post, headers: f.headers,
                body: ByteBuffer(bytes: ServiceTests.example)
            ) { #expect($0.status == .ok) }
            let data = try await history(client, user)
            #expect(data.count == 2)
            for activity in data {
                #expect(Set(activity.keys) == ["metadata", "heart_rate_data", "distance_data"])
                let hr = try #require(activity["heart_rate_data"] as? [String: Any])
                let samples = (hr["detailed"] as? [String: Any])?["hr_samples"] as? [Any]
                #expect((samples?.count ?? 0) > 100)
                // Distance and elevation samples are out of scope: the group's summary only.
                let distance = try #require(activity["distance_data"] as? [String: Any])
                #expect(distance["detailed"] == nil && distance["summary"] != nil)
            }
            return user
        }
        let worker = DeliveryWorker(storage: f.storage, settings: DeliverySettings())
        while try await worker.runOnce() > 0 {}
        try await worker.shutdown()
        // The auth event was skipped; the two activities went, cut like the history answer.
        let got = receiver.requests
        #expect(got.map { $0.json["type"] as? String } == ["activity", "activity"])
        let sent = try #require((got.first?.json["data"] as? [[String: Any]])?.first)
        #expect(Set(sent.keys) == ["metadata", "heart_rate_data", "distance_data"])
        let skipped = try await f.storage.deliveries(status: "skipped", developerID: f.developer.id, limit: 10)
        #expect(skipped.map(\.kind) == ["auth"])
        #expect(skipped.first?.lastError == "not in the developer's scopes")
        // Widened again: everything that was stored comes back.
        #expect(try await f.storage.replaceScopes(developerID: f.developer.id, scopes: .everything))
        try await f.test { client in
            let data = try await history(client, user)
            let first = try #require(data.first)
            #expect(first["power_data"] != nil && first["slipstream"] != nil && first["position_data"] != nil)
            let distance = try #require(first["distance_data"] as? [String: Any])
            #expect((distance["detailed"] as? [String: Any])?["distance_samples"] != nil)
        }
    }
}
