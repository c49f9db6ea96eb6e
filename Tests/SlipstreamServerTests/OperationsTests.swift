// What an operator reads: health, metrics, request ids, and problem+json for Hummingbird's own errors.

import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@Suite struct OperationsTests {
    @Test func metricsCountRequestsIngestedBytesAndActivities() async throws {
        let f = try await ServiceFixture.make(.sqlite)
        try await f.test { client in
            try await client.execute(uri: "/healthz", method: .get) {
                #expect(String(buffer: $0.body) == #"{"status":"success","slipstream":{"database":"up"}}"#)
            }
            let user = try await f.newUser(client)
            try await client.execute(
                uri: "/v2/ingest?user_id=\(user)", method: .post, headers: f.headers,
                body: ByteBuffer(bytes: ServiceTests.example)
            ) {
                #expect($0.status == .ok)
                let id = $0.headers[HTTPField.Name("x-request-id")!] ?? ""
                #expect(id.count >= 16 && id.allSatisfy { $0.isHexDigit })
            }
            try await client.execute(uri: "/metrics", method: .get) { r in
                let lines = Set(String(buffer: r.body).split(separator: "\n").map(String.init))
                #expect(lines.contains("slipstream_ingested_activities_total 2"))
                #expect(lines.contains("slipstream_ingested_bytes_total \(ServiceTests.example.count)"))
                #expect(
                    lines.contains(#"slipstream_http_requests_total{route="/v2/ingest",method="POST",status="200"} 1"#))
                #expect(
                    lines.contains(#"slipstream_http_requests_total{route="/healthz",method="GET",status="200"} 1"#))
                #expect(lines.contains(#"slipstream_database_duration_seconds_count{operation="store"} 1"#))
            }
        }
    }

    @Test func anUnknownRouteIsAProblemToo() async throws {
        let f = try await ServiceFixture.make(.sqlite)
        try await f.test { client in
            try await client.execute(uri: "/v2/sleep", method: .get, headers: f.headers) { r in
                #expect(r.status == .notFound)
                #expect(r.headers[.contentType] == "application/problem+json")
                #expect(
                    String(buffer: r.body)
                        == #"{"type":"about:blank","title":"not found","status":404,"detail":"not found","instance":"/v2/sleep"}"#
                )
            }
        }
    }

    @Test func aWrongMethodIs405NamingTheRightOne() async throws {
        let f = try await ServiceFixture.make(.sqlite)
        try await f.test { client in
            try await client.execute(uri: "/v2/activity?user_id=x", method: .delete, headers: f.headers) { r in
                #expect(r.status == .methodNotAllowed)
                #expect(r.headers[.allow] == "GET")
                #expect(field(r.body, "detail") as? String == "DELETE is not served at /v2/activity: use GET")
            }
            try await client.execute(uri: "/webhooks/terra/someone", method: .get) {
                #expect($0.headers[.allow] == "POST")
            }
        }
    }
}
