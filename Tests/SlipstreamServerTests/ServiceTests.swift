// The service's routes, each against SQLite and (in CI) PostgreSQL.

import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Slipstream
import SlipstreamFixtures
import Testing

@testable import SlipstreamStorage

@Suite struct ServiceTests {
    static let example = (try? repositoryFile("examples/xoss-morning-rides.json")) ?? []
    /// The example's own user id, which ingest replaces by the user it is stored under.
    static let exampleUser = "22b40ed9-95e0-49f5-a2d4-3d73e494f510"

    /// What `summarize` writes for `bytes`, one line per activity.
    static func summaries(_ bytes: [UInt8]) throws -> [String] {
        var lines: [String] = []
        let writer = SummaryWriter(output: { lines.append(String(decoding: $0, as: UTF8.self)) }, problem: { _ in })
        let stream = ActivityStream(consumer: writer)
        try bytes.withUnsafeBytes { try stream.feed($0) }
        try stream.finish()
        return lines.map { $0.trimmingCharacters(in: .newlines) }
    }

    @Test(arguments: StorageKind.available)
    func everyV2RouteWantsTheDevelopersKey(_ kind: StorageKind) async throws {
        let f = try await ServiceFixture.make(kind)
        try await f.test { client in
            try await client.execute(uri: "/v2/subscriptions", method: .get) { r in
                #expect(r.status == .unauthorized)
                #expect(r.headers[.contentType] == "application/problem+json")
                #expect(
                    String(buffer: r.body)
                        == #"{"type":"about:blank","title":"unauthorized","status":401,"detail":"dev-id or x-api-key headers are missing","instance":"/v2/subscriptions"}"#
                )
            }
            var wrong = f.headers
            wrong[HTTPField.Name("x-api-key")!] = f.apiKey + "x"
            try await client.execute(uri: "/v2/subscriptions", method: .get, headers: wrong) {
                #expect($0.status == .unauthorized)
            }
            wrong[HTTPField.Name("dev-id")!] = "nobody"
            wrong[HTTPField.Name("x-api-key")!] = f.apiKey
            try await client.execute(uri: "/v2/subscriptions", method: .get, headers: wrong) {
                #expect($0.status == .unauthorized)
            }
            try await client.execute(uri: "/v2/subscriptions", method: .get, headers: f.headers) {
                #expect($0.status == .ok)
            }
        }
    }

    @Test(arguments: StorageKind.available)
    func usersAreConnectedReadListedAndSeenOnlyByTheirDeveloper(_ kind: StorageKind) async throws {
        let f = try await ServiceFixture.make(kind)
        let other = try await ServiceFixture.make(kind)
        let (alice, bob) = try await f.test { client in
            let alice = try await f.newUser(client, reference: "alice")
            let bob = try await f.newUser(client)
            try await client.execute(uri: "/v2/userInfo?user_id=\(alice)", method: .get, headers: f.headers) { r in
                let body = try json(r.body)
                #expect(body["status"] as? String == "success")
                #expect(body["is_authenticated"] as? Bool == true)
                let user = try #require(body["user"] as? [String: Any])
                #expect(user["user_id"] as? String == alice)
                #expect(user["provider"] as? String == "XOSS")
                #expect(user["reference_id"] as? String == "alice")
            }
            try await client.execute(uri: "/v2/userInfo?reference_id=alice", method: .get, headers: f.headers) { r in
                let users = try #require(
                    try JSONSerialization.jsonObject(with: Data(buffer: r.body)) as? [[String: Any]])
                #expect(users.map { $0["user_id"] as? String } == [alice])
            }
            try await client.execute(uri: "/v2/subscriptions", method: .get, headers: f.headers) { r in
                let users = try #require(try json(r.body)["users"] as? [[String: Any]])
                #expect(Set(users.compactMap { $0["user_id"] as? String }) == [alice, bob])
            }
            try await client.execute(uri: "/v2/userInfo?user_id=unknown", method: .get, headers: f.headers) { r in
                #expect(r.status == .notFound)
                #expect(field(r.body, "detail") as? String == "user not found")
            }
            return (alice, bob)
        }
        // Another developer's user is as unknown as an unknown one, on every route that takes a user.
        try await other.test { client in
            for uri in [
                "/v2/userInfo?user_id=\(alice)", "/v2/activity?user_id=\(alice)&start_date=2024-01-01&to_webhook=false",
            ] {
                try await client.execute(uri: uri, method: .get, headers: other.headers) { r in
                    #expect(r.status == .notFound)
                    #expect(field(r.body, "detail") as? String == "user not found")
                }
            }
            try await client.execute(
                uri: "/v2/ingest?user_id=\(bob)", method: .post, headers: other.headers,
                body: ByteBuffer(bytes: Self.example)
            ) {
                #expect($0.status == .notFound)
            }
            try await client.execute(
                uri: "/v2/auth/deauthenticateUser?user_id=\(bob)", method: .delete, headers: other.headers
            ) {
                #expect($0.status == .notFound)
            }
            try await client.execute(uri: "/v2/subscriptions", method: .get, headers: other.headers) {
                #expect(String(buffer: $0.body) == #"{"users":[]}"#)
            }
        }
    }

    @Test(arguments: StorageKind.available)
    func ingestedJSONComesBackWithTheSameSummariesAndSamples(_ kind: StorageKind) async throws {
        let f = try await ServiceFixture.make(kind)
        try await f.test { client in
            let user = try await f.newUser(client)
            try await client.execute(
                uri: "/v2/ingest?user_id=\(user)", method: .post, headers: f.headers,
                body: ByteBuffer(bytes: Self.example)
            ) {
                r in
                #expect(r.status == .ok)
                #expect(
                    String(buffer: r.body)
                        == #"{"status":"success","activities":[{"summary_id":"xoss-7-0","user_id":"\#(user)","start_time":"2024-05-04T07:30:00.000000+02:00","end_time":"2024-05-04T07:35:00.374487+02:00"},{"summary_id":"xoss-7-1","user_id":"\#(user)","start_time":"2024-05-05T07:30:00.000000+02:00","end_time":"2024-05-05T07:35:00.523319+02:00"}],"slipstream":{"problems":[]}}"#
                )
            }
            let expected = try Self.summaries(Self.example).map {
                $0.replacingOccurrences(of: Self.exampleUser, with: user)
            }
            #expect(expected.count == 2)
            // Without samples: the summaries as summarize writes them, in start-time order.
            try await client.execute(
                uri: "/v2/activity?user_id=\(user)&start_date=2024-05-04&end_date=2024-05-06&to_webhook=false",
                method: .get, headers: f.headers
            ) { r in
                #expect(r.status == .ok)
                let body = String(buffer: r.body)
                #expect(body.hasSuffix(#"],"type":"activity"}"#))
                #expect(body.contains("[" + expected.joined(separator: ",") + "]"))
            }
            // The range is [start, end): the second ride starts on the 5th.
            try await client.execute(
                uri: "/v2/activity?user_id=\(user)&start_date=2024-05-04&end_date=2024-05-05&to_webhook=false",
                method: .get, headers: f.headers
            ) { r in
                let data = try #require(try json(r.body)["data"] as? [[String: Any]])
                #expect(data.count == 1)
            }
            // With samples: summarize reads back the same summaries, and the samples are those sent.
            try await client.execute(
                uri: "/v2/activity?user_id=\(user)&start_date=1714514400&to_webhook=false&with_samples=true",
                method: .get, headers: f.headers
            ) { r in
                let body = [UInt8](buffer: r.body)
                let (summaries, samples, sent) = (
                    try Self.summaries(body), try Self.samples(body), try Self.samples(Self.example)
                )
                #expect(samples == sent)
                // Read again, our values stand in Terra's fields, so they become the provider's:
                // everything but `slipstream.provider` and `provenance` is what was computed at ingest.
                #expect(try summaries.map(Self.withoutProvider) == expected.map(Self.withoutProvider))
                // And without the sample lists, each activity is the stored summary.
                let data =
                    try #require(try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])["data"]
                    as? [[String: Any]]
                #expect(
                    try (data ?? []).map { try Self.canonical(Self.withoutSampleLists($0)) }
                        == expected.map { try Self.canonical(Self.parse($0)) })
            }
        }
    }

    static func parse(_ line: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    }

    static func canonical(_ object: Any) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }

    static func withoutProvider(_ line: String) throws -> String {
        var object = try parse(line)
        var ours = object["slipstream"] as? [String: Any] ?? [:]
        ours["provider"] = nil
        ours["provenance"] = nil
        object["slipstream"] = ours
        return try canonical(object)
    }

    /// The activity without its sample lists and the containers that held only them.
    static func withoutSampleLists(_ activity: [String: Any]) -> [String: Any] {
        let lists = Set(Schema.channels.map { "\($0.listKey)" })
        var result: [String: Any] = [:]
        for (key, value) in activity where !lists.contains(key) {
            if let object = value as? [String: Any] {
                let inner = withoutSampleLists(object)
                if !(inner.isEmpty && !object.isEmpty) { result[key] = inner }
            } else {
                result[key] = value
            }
        }
        return result
    }

    /// Every sample as `channel time value`, from what `convert` would write of `bytes`.
    static func samples(_ bytes: [UInt8]) throws -> [String] {
        var result: [String] = []
        let stream = ActivityStream { record in
            for channel in Channel.allCases {
                let column = record.columns[channel]
                for i in 0..<column.count {
                    result.append(
                        "\(channel) \(column.times[i]) \(column.values[i]) \(column.secondValues.isEmpty ? 0 : column.secondValues[i]) \(column.timers[i])"
                    )
                }
            }
        }
        try bytes.withUnsafeBytes { try stream.feed($0) }
        try stream.finish()
        return result
    }

    @Test(arguments: StorageKind.available)
    func sendingAnActivityAgainReplacesIt(_ kind: StorageKind) async throws {
        let f = try await ServiceFixture.make(kind)
        try await f.test { client in
            let user = try await f.newUser(client)
            for _ in 0..<2 {
                try await client.execute(
                    uri: "/v2/ingest?user_id=\(user)", method: .post, headers: f.headers,
                    body: ByteBuffer(bytes: Self.example)
                ) {
                    #expect($0.status == .ok)
                }
            }
            try await client.execute(
                uri: "/v2/activity?user_id=\(user)&start_date=2024-01-01&to_webhook=false", method: .get,
                headers: f.headers
            ) {
                let data = try #require(try json($0.body)["data"] as? [[String: Any]])
                #expect(
                    data.compactMap { ($0["metadata"] as? [String: Any])?["summary_id"] as? String } == [
                        "xoss-7-0", "xoss-7-1",
                    ])
            }
            // Each delivery is announced: the user's connection, then two ingests of two activities.
            let messages = try await f.storage.pendingMessages(developerID: f.developer.id, limit: 100)
            #expect(messages.map(\.kind) == [.auth, .activity, .activity, .activity, .activity])
            #expect(messages.map(\.summaryID) == [nil, "xoss-7-0", "xoss-7-1", "xoss-7-0", "xoss-7-1"])
        }
    }

    @Test(arguments: StorageKind.available)
    func aMalformedBodyStoresNothingAndSaysWhere(_ kind: StorageKind) async throws {
        let f = try await ServiceFixture.make(kind)
        try await f.test { client in
            let user = try await f.newUser(client)
            // The example's two rides, then a third that breaks off: nothing of the request is kept.
            let text = String(decoding: Self.example, as: UTF8.self)
            let broken = text.replacingOccurrences(of: #""data":["#, with: #""data":[{"metadata":{"summary_id":"x"}},"#)
                .replacingOccurrences(of: "\"bpm\":97,", with: "\"bpm\":97,,")
            let firstComma = try #require(broken.range(of: "\"bpm\":97,,")).upperBound
            let byte = broken.utf8.distance(from: broken.startIndex, to: firstComma)
            try await client.execute(
                uri: "/v2/ingest?user_id=\(user)", method: .post, headers: f.headers, body: ByteBuffer(string: broken)
            ) { r in
                #expect(r.status == .badRequest)
                #expect(r.headers[.contentType] == "application/problem+json")
                let problem = try json(r.body)
                #expect(problem["status"] as? Int == 400)
                #expect(problem["byte"] as? Int == byte)
                let prefix = broken[..<firstComma]
                #expect(
                    problem["line"] as? Int == prefix.split(separator: "\n", omittingEmptySubsequences: false).count)
                #expect(problem["path"] as? String != nil)
            }
            try await client.execute(
                uri: "/v2/activity?user_id=\(user)&start_date=2024-01-01&to_webhook=false", method: .get,
                headers: f.headers
            ) {
                #expect((field($0.body, "data") as? [Any])?.isEmpty == true)
            }
            // Valid JSON that is no activity payload.
            try await client.execute(
                uri: "/v2/ingest?user_id=\(user)", method: .post, headers: f.headers,
                body: ByteBuffer(string: #"{"hello":1}"#)
            ) {
                #expect($0.status == .badRequest)
            }
            // Only the user's connection is announced.
            #expect(try await f.storage.pendingMessages(developerID: f.developer.id, limit: 10).map(\.kind) == [.auth])
        }
    }

    /// `gzip -n -9` of `bytes`.
    static func gzip(_ bytes: [UInt8]) throws -> [UInt8] { try SystemGzip.compress(bytes, level: 9) }

    @Test(arguments: StorageKind.available)
    func aGzipBodyIsInflatedAsItStreamsAndACutOneStoresNothing(_ kind: StorageKind) async throws {
        let f = try await ServiceFixture.make(kind)
        let zipped = try Self.gzip(Self.example)
        #expect(zipped.count < Self.example.count / 4)
        try await f.test { client in
            let user = try await f.newUser(client)
            try await client.execute(
                uri: "/v2/ingest?user_id=\(user)", method: .post, headers: f.headers,
                body: ByteBuffer(bytes: zipped.dropLast(9))
            ) {
                #expect($0.status == .badRequest)
                #expect(field($0.body, "detail") as? String == "the gzip body ends before its end (cut short?)")
            }
            #expect(
                try await f.storage.activities(
                    userID: user, from: 0, to: .max, after: nil, limit: 10, withSamples: false
                ).isEmpty)
            try await client.execute(
                uri: "/v2/ingest?user_id=\(user)", method: .post, headers: f.headers, body: ByteBuffer(bytes: zipped)
            ) {
                #expect($0.status == .ok)
                #expect((field($0.body, "activities") as? [Any])?.count == 2)
            }
        }
    }

    @Test(arguments: StorageKind.available)
    func aBodyOverTheLimitIs413(_ kind: StorageKind) async throws {
        let f = try await ServiceFixture.make(kind) { $0.maxBodyBytes = 1000 }
        try await f.test { client in
            let user = try await f.newUser(client)
            try await client.execute(
                uri: "/v2/ingest?user_id=\(user)", method: .post, headers: f.headers,
                body: ByteBuffer(bytes: Self.example)
            ) { r in
                #expect(r.status == .contentTooLarge)
                #expect(
                    field(r.body, "detail") as? String == "the body is longer than 1000 bytes (serve --max-body-bytes)")
            }
        }
    }

    @Test(arguments: StorageKind.available)
    func aFITRecordingIsStoredUnderItsOwnSummaryID(_ kind: StorageKind) async throws {
        let f = try await ServiceFixture.make(kind)
        let fit = try repositoryFile("Tests/Fixtures/fit/Activity.fit")
        try await f.test { client in
            let user = try await f.newUser(client)
            let id = try await client.execute(
                uri: "/v2/ingest?user_id=\(user)", method: .post, headers: f.headers, body: ByteBuffer(bytes: fit)
            ) { r in
                #expect(r.status == .ok)
                let activities = try #require(try json(r.body)["activities"] as? [[String: Any]])
                #expect(activities.count == 1)
                return try #require(activities.first?["summary_id"] as? String)
            }
            let expected = try Self.summaries(fit)
            try await client.execute(
                uri:
                    "/v2/activity?user_id=\(user)&start_date=2012-01-01&end_date=2013-01-01&to_webhook=false&with_samples=true",
                method: .get, headers: f.headers
            ) { r in
                let body = [UInt8](buffer: r.body)
                #expect(String(decoding: body, as: UTF8.self).contains(#""summary_id":"\#(id)""#))
                let (samples, sent, summaries) = (
                    try Self.samples(body), try Self.samples(fit), try Self.summaries(body)
                )
                #expect(samples == sent)
                #expect(summaries.count == expected.count)
            }
        }
    }

    @Test(arguments: StorageKind.available)
    func badParametersAre400WithTheReason(_ kind: StorageKind) async throws {
        let f = try await ServiceFixture.make(kind)
        try await f.test { client in
            let user = try await f.newUser(client)
            let cases = [
                ("/v2/activity?start_date=2024-01-01", HTTPRequest.Method.get, "user_id is required"),
                ("/v2/activity?user_id=\(user)", .get, "start_date is required: YYYY-MM-DD or unix seconds"),
                (
                    "/v2/activity?user_id=\(user)&start_date=2024-01-01&with_samples=yes", .get,
                    "with_samples must be true or false, not 'yes'"
                ),
                ("/v2/auth/authenticateUser", .post, "resource is required (XOSS)"),
                ("/v2/auth/authenticateUser?resource=FITBIT", .post, "resource 'FITBIT' is not served here: only XOSS"),
                ("/v2/userInfo", .get, "give user_id or reference_id"),
                ("/v2/ingest", .post, "user_id is required"),
            ]
            for (uri, method, detail) in cases {
                try await client.execute(uri: uri, method: method, headers: f.headers) { r in
                    #expect(r.status == .badRequest, "\(uri)")
                    #expect(field(r.body, "detail") as? String == detail, "\(uri)")
                }
            }
            try await client.execute(
                uri: "/v2/auth/authenticateUser?resource=XOSS", method: .post, headers: f.headers,
                body: ByteBuffer(string: "[1")
            ) {
                #expect($0.status == .badRequest)
            }
        }
    }

    @Test(arguments: StorageKind.available)
    func aHistoricalRequestForTheWebhookIsQueued(_ kind: StorageKind) async throws {
        let f = try await ServiceFixture.make(kind)
        try await f.test { client in
            let user = try await f.newUser(client)
            try await client.execute(
                uri: "/v2/ingest?user_id=\(user)", method: .post, headers: f.headers,
                body: ByteBuffer(bytes: Self.example)
            ) {
                #expect($0.status == .ok)
            }
            let reference = try await client.execute(
                uri: "/v2/activity?user_id=\(user)&start_date=2024-05-05", method: .get, headers: f.headers
            ) { r in
                let body = try json(r.body)
                #expect(body["status"] as? String == "success")
                #expect(body["type"] as? String == "activity")
                #expect((body["user"] as? [String: Any])?["user_id"] as? String == user)
                return try #require(body["reference"] as? String)
            }
            let queued = try await f.storage.pendingMessages(developerID: f.developer.id, limit: 10).filter {
                $0.kind == .historical
            }
            #expect(
                queued == [
                    OutboxMessage(
                        developerID: f.developer.id, userID: user, kind: .historical, summaryID: "xoss-7-1",
                        reference: reference)
                ])
        }
    }

    @Test(arguments: StorageKind.available)
    func deauthenticatingAUserDeletesEverythingOfTheirs(_ kind: StorageKind) async throws {
        let f = try await ServiceFixture.make(kind)
        try await f.test { client in
            let user = try await f.newUser(client)
            let kept = try await f.newUser(client)
            for u in [user, kept] {
                try await client.execute(
                    uri: "/v2/ingest?user_id=\(u)", method: .post, headers: f.headers,
                    body: ByteBuffer(bytes: Self.example)
                ) {
                    #expect($0.status == .ok)
                }
            }
            try await client.execute(
                uri: "/v2/auth/deauthenticateUser?user_id=\(user)", method: .delete, headers: f.headers
            ) {
                #expect(String(buffer: $0.body) == #"{"status":"success"}"#)
            }
            try await client.execute(uri: "/v2/userInfo?user_id=\(user)", method: .get, headers: f.headers) {
                #expect($0.status == .notFound)
            }
            try await client.execute(
                uri: "/v2/auth/deauthenticateUser?user_id=\(user)", method: .delete, headers: f.headers
            ) {
                #expect($0.status == .notFound)
            }
            #expect(
                try await f.storage.activities(
                    userID: user, from: 0, to: .max, after: nil, limit: 10, withSamples: true
                ).isEmpty)
            #expect(
                try await f.storage.activities(
                    userID: kept, from: 0, to: .max, after: nil, limit: 10, withSamples: true
                ).count == 2)
            // What was waiting for the deleted user is gone; their deauth event waits instead.
            let messages = try await f.storage.pendingMessages(developerID: f.developer.id, limit: 10)
            #expect(messages.map(\.userID) == [kept, kept, kept, user])
            #expect(messages.map(\.kind) == [.auth, .activity, .activity, .deauth])
            #expect(try await f.storage.integrityProblem() == nil)
        }
    }
}
