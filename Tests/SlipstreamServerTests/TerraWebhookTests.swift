// Terra's own pushes: verified on the streamed bytes, stored under the payload's user.

import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Slipstream
import SlipstreamFixtures
import Testing

@testable import SlipstreamSecrets

@Suite struct TerraWebhookTests {
    static let now: Int64 = 1_764_600_000

    private func signed(_ body: [UInt8], at timestamp: Int64 = now, secret: String = ServiceFixture.terraSecret)
        -> HTTPFields
    {
        [HTTPField.Name("terra-signature")!: TerraSignature.header(body: body, secret: secret, timestamp: timestamp)]
    }

    private func fixture(_ kind: StorageKind) async throws -> ServiceFixture {
        try await ServiceFixture.make(kind) { $0.now = { Date(timeIntervalSince1970: Double(Self.now)) } }
    }

    @Test(arguments: StorageKind.available)
    func aSignedActivityPushIsStoredUnderThePayloadsUser(_ kind: StorageKind) async throws {
        let f = try await fixture(kind)
        let body = ServiceTests.example
        try await f.test { client in
            try await client.execute(
                uri: "/webhooks/terra/\(f.developer.id)", method: .post, headers: signed(body),
                body: ByteBuffer(bytes: body)
            ) {
                #expect($0.status == .ok)
                let activities = try #require(field($0.body, "activities") as? [[String: Any]])
                #expect(
                    activities.map { $0["user_id"] as? String } == [ServiceTests.exampleUser, ServiceTests.exampleUser])
            }
            // The user was created for this developer on first sight, and sees the activities.
            try await client.execute(
                uri: "/v2/activity?user_id=\(ServiceTests.exampleUser)&start_date=2024-05-01&to_webhook=false",
                method: .get, headers: f.headers
            ) {
                #expect((field($0.body, "data") as? [Any])?.count == 2)
            }
        }
    }

    @Test(arguments: StorageKind.available)
    func aBadOrStaleSignatureIs401AndStoresNothing(_ kind: StorageKind) async throws {
        let f = try await fixture(kind)
        let body = ServiceTests.example
        let cases: [(HTTPFields, String)] = [
            ([:], "the terra-signature header is missing"),
            (signed(body, secret: "wrong"), "the terra-signature does not match the body"),
            (signed(Array(body.dropLast())), "the terra-signature does not match the body"),
            (
                signed(body, at: Self.now - 301),
                "the terra-signature timestamp is 301 s away from now, beyond the tolerance"
            ),
            ([HTTPField.Name("terra-signature")!: "v1=abc"], "the terra-signature header is not t=UNIX,v1=HEX"),
        ]
        try await f.test { client in
            for (headers, detail) in cases {
                try await client.execute(
                    uri: "/webhooks/terra/\(f.developer.id)", method: .post, headers: headers,
                    body: ByteBuffer(bytes: body)
                ) {
                    #expect($0.status == .unauthorized)
                    #expect(field($0.body, "detail") as? String == detail)
                }
            }
            try await client.execute(
                uri: "/webhooks/terra/nobody", method: .post, headers: signed(body), body: ByteBuffer(bytes: body)
            ) {
                #expect($0.status == .notFound)
            }
        }
        #expect(try await f.storage.user(id: ServiceTests.exampleUser, developerID: f.developer.id) == nil)
        #expect(try await f.storage.pendingMessages(developerID: f.developer.id, limit: 10).isEmpty)
    }

    @Test(arguments: StorageKind.available)
    func otherEventsAreRecordedAndAnswered200(_ kind: StorageKind) async throws {
        let f = try await fixture(kind)
        let body = Array(
            #"{"type":"auth","status":"success","user":{"user_id":"u1","provider":"XOSS"},"reference_id":"r"}"#.utf8)
        try await f.test { client in
            try await client.execute(
                uri: "/webhooks/terra/\(f.developer.id)", method: .post, headers: signed(body),
                body: ByteBuffer(bytes: body)
            ) {
                #expect($0.status == .ok)
                #expect(String(buffer: $0.body) == #"{"status":"success"}"#)
            }
            let junk = Array("not json".utf8)
            try await client.execute(
                uri: "/webhooks/terra/\(f.developer.id)", method: .post, headers: signed(junk),
                body: ByteBuffer(bytes: junk)
            ) {
                #expect($0.status == .badRequest)
            }
        }
    }

    /// Events are stored as received: a gzip or over-64-KiB event is refused, never kept compressed or cut.
    @Test func anEventIsKeptOnlyPlainAndWhole() async throws {
        let f = try await fixture(.sqlite)
        let event = Array(#"{"type":"auth","status":"success","user":{"user_id":"u2","provider":"XOSS"}}"#.utf8)
        let padded =
            Array(#"{"type":"auth","pad":""#.utf8) + [UInt8](repeating: 0x61, count: 70_000) + Array(#""}"#.utf8)
        for body in [try SystemGzip.compress(event), padded] {
            try await f.test { client in
                try await client.execute(
                    uri: "/webhooks/terra/\(f.developer.id)", method: .post, headers: signed(body),
                    body: ByteBuffer(bytes: body)
                ) {
                    #expect($0.status == .badRequest)
                    #expect(
                        field($0.body, "detail") as? String
                            == "a Terra event (type auth) must be plain JSON of at most 64 KiB")
                }
            }
        }
        #expect(try await f.storage.pendingMessages(developerID: f.developer.id, limit: 10).isEmpty)
    }
}
