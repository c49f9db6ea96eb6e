// The web face's routes on both databases: sign-in and sessions, another developer's data 404,
// CSRF and Origin on forms, a ride's page and its JSON and CSV, and the end user's signed connect
// page taking uploads (a raw body, and a multipart form) with each file's outcome in words.

import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import SlipstreamServer
import SlipstreamStorage
import Testing

@Suite struct WebRoutesTests {
    static let fit = "Tests/Fixtures/fit/Activity.fit"

    func form(_ fields: [String: String]) -> ByteBuffer {
        ByteBuffer(
            string: fields.keys.sorted().map {
                "\($0)=\(fields[$0]!.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)"
            }.joined(separator: "&"))
    }

    func signIn(_ client: any TestClientProtocol, _ f: ServiceFixture) async throws -> HTTPFields {
        try await client.execute(
            uri: "/dashboard/signin", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
            body: form(["dev_id": f.developer.id, "api_key": f.apiKey])
        ) { r in
            #expect(r.status == .seeOther)
            #expect(r.headers[.location] == "/dashboard/users")
            let cookie = try #require(r.headers[.setCookie])
            #expect(cookie.contains("; HttpOnly; SameSite=Strict"))
            return [.cookie: String(cookie.prefix { $0 != ";" })]
        }
    }

    @Test(arguments: StorageKind.available) func signingInAndWhatASessionSees(_ kind: StorageKind) async throws {
        let f = try await ServiceFixture.make(kind)
        let (other, _) = Developer.new(name: "Other", webhookURL: nil, terraSigningSecret: nil)
        try await f.storage.insertDeveloper(other)
        let theirs = ServiceUser(id: "their-user", developerID: other.id, provider: "XOSS", createdAt: Date())
        try await f.storage.insertUser(theirs, announcing: nil)
        try await f.test { client in
            try await client.execute(uri: "/dashboard/users", method: .get) { r in
                #expect(r.status == .seeOther)
                #expect(r.headers[.location] == "/dashboard/signin")
            }
            try await client.execute(
                uri: "/dashboard/signin", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                body: form(["dev_id": f.developer.id, "api_key": "wrong"])
            ) { r in
                #expect(r.status == .unauthorized)
                #expect(String(buffer: r.body).contains("That developer id and API key do not match."))
                #expect(r.headers[.setCookie] == nil)
            }
            let cookie = try await signIn(client, f)
            let user = try await f.newUser(client, reference: "<b>rider</b>")
            let page = try await client.execute(uri: "/dashboard/users", method: .get, headers: cookie) { r in
                #expect(r.status == .ok)
                #expect(r.headers[.contentSecurityPolicy]?.contains("script-src 'self'") == true)
                #expect(r.headers[HTTPField.Name("X-Frame-Options")!] == "DENY")
                return String(buffer: r.body)
            }
            #expect(page.contains("&lt;b&gt;rider&lt;/b&gt;"))
            #expect(page.contains("/dashboard/users/\(user)"))
            #expect(!page.contains("their-user"))
            try await client.execute(uri: "/dashboard/users/their-user", method: .get, headers: cookie) { r in
                #expect(r.status == .notFound)
                #expect(r.headers[.contentType] == "text/html; charset=utf-8")
            }
            // Forms: the session's CSRF token, and no other site's Origin.
            let csrf = try #require(page.firstMatch(of: /name="csrf" value="([^"]+)"/)).1
            var headers = cookie
            headers[.contentType] = "application/x-www-form-urlencoded"
            try await client.execute(
                uri: "/dashboard/deliveries/resend", method: .post, headers: headers, body: form(["csrf": "forged"])
            ) { #expect($0.status == .forbidden) }
            var crossSite = headers
            crossSite[.origin] = "https://evil.example"
            try await client.execute(
                uri: "/dashboard/deliveries/resend", method: .post, headers: crossSite,
                body: form(["csrf": String(csrf)])
            ) { #expect($0.status == .forbidden) }
            try await client.execute(
                uri: "/dashboard/deliveries/resend", method: .post, headers: headers, body: form(["csrf": String(csrf)])
            ) { r in
                #expect(r.status == .seeOther)
                #expect(r.headers[.location] == "/dashboard/deliveries?notice=resent-0")
            }
            try await client.execute(
                uri: "/dashboard/signout", method: .post, headers: headers, body: form(["csrf": String(csrf)])
            ) { r in
                #expect(r.headers[.setCookie]?.hasPrefix("slipstream_session=; Max-Age=0") == true)
            }
        }
    }

    @Test(arguments: StorageKind.available) func aRidesPageItsValuesJSONAndCSV(_ kind: StorageKind) async throws {
        let f = try await ServiceFixture.make(kind)
        try await f.test { client in
            let cookie = try await signIn(client, f)
            let user = try await f.newUser(client)
            let summaryID = try await client.execute(
                uri: "/v2/ingest?user_id=\(user)", method: .post, headers: f.headers,
                body: ByteBuffer(bytes: try repositoryFile(Self.fit))
            ) { r in
                let activities = try #require(try json(r.body)["activities"] as? [[String: Any]])
                return try #require(activities.first?["summary_id"] as? String)
            }
            let base = "/dashboard/users/\(user)/activities/\(summaryID)"
            let page = try await client.execute(uri: base, method: .get, headers: cookie) { String(buffer: $0.body) }
            #expect(page.contains("aria-label=\"Route map\""))
            #expect(page.contains("aria-label=\"Speed\""))
            #expect(page.contains("<code>distance_data.summary.distance_meters</code>"))
            #expect(!page.contains(" style="))
            try await client.execute(uri: base + "/values/speed", method: .get, headers: cookie) { r in
                #expect(r.status == .ok)
                #expect(String(buffer: r.body).contains("Speed (km/h)"))
            }
            try await client.execute(uri: base + "/values/power", method: .get, headers: cookie) {
                #expect($0.status == .notFound)  // the fixture has no power
            }
            try await client.execute(uri: base + "/json", method: .get, headers: cookie) { r in
                let data = try #require(try json(r.body)["data"] as? [[String: Any]])
                let metadata = try #require(data.first?["metadata"] as? [String: Any])
                #expect(metadata["summary_id"] as? String == summaryID)
            }
            try await client.execute(uri: base + "/csv", method: .get, headers: cookie) { r in
                let lines = String(buffer: r.body).split(separator: "\n")
                #expect(lines.first?.hasPrefix("activity,timestamp,timer_seconds,heart_rate") == true)
                // Activity.fit has 14 records with speed, distance, elevation and position (summarize says so).
                #expect(lines.count == 15)
            }
        }
    }

    @Test(arguments: StorageKind.available) func theConnectPageTakesRides(_ kind: StorageKind) async throws {
        let f = try await ServiceFixture.make(kind)
        try await f.test { client in
            let link = try await client.execute(
                uri: "/v2/auth/authenticateUser?resource=XOSS", method: .post, headers: f.headers
            ) { try #require(try json($0.body)["auth_url"] as? String) }
            #expect(link.hasPrefix("http://slipstream.test/connect/\(f.developer.id)/"))
            #expect(!link.contains(f.apiKey))
            let path = String(link.dropFirst("http://slipstream.test".count))
            try await client.execute(uri: path, method: .get) { r in
                #expect(r.status == .ok)
                #expect(String(buffer: r.body).contains("Bring your rides to Test Dev"))
            }
            try await client.execute(uri: path.replacingOccurrences(of: "sig=", with: "sig=A"), method: .get) {
                #expect($0.status == .notFound)
            }
            let files = path.replacingOccurrences(of: "?", with: "/files?")
            let upload = { (name: String, bytes: [UInt8]) in
                try await client.execute(
                    uri: files + "&name=\(name)", method: .post, headers: [.contentType: "application/octet-stream"],
                    body: ByteBuffer(bytes: bytes)
                ) { r in (r.status, try json(r.body)["outcome"] as? String ?? "") }
            }
            let ride = try repositoryFile(Self.fit)
            #expect(try await upload("a.fit", ride) == (.ok, "stored 1 ride"))
            #expect(try await upload("a.fit", ride) == (.ok, "already there"))
            let settings = try await upload("Settings.fit", try repositoryFile("Tests/Fixtures/fit/Settings.fit"))
            #expect(settings.0 == .unprocessableContent)
            #expect(settings.1.hasPrefix("not an activity"))
            // The ride's first 200 bytes: the start of the same ride, which stays stored whole.
            let cut = try await upload("cut.fit", Array(ride.prefix(200)))
            #expect(cut.0 == .ok)
            #expect(cut.1.hasPrefix("already there; damaged at byte"))
            let garbage = try await upload("noise.fit", Array(repeating: 7, count: 64))
            #expect(garbage.0 == .unprocessableContent)
            // Without script: a multipart form of two files, split as it arrives.
            let boundary = "----b0undary"
            var body: [UInt8] = []
            for (name, bytes) in [("one.fit", ride), ("empty.json", Array("{}".utf8))] {
                body += Array(
                    "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(name)\"\r\n".utf8)
                body += Array("Content-Type: application/octet-stream\r\n\r\n".utf8) + bytes + Array("\r\n".utf8)
            }
            body += Array("--\(boundary)--\r\n".utf8)
            try await client.execute(
                uri: files, method: .post, headers: [.contentType: "multipart/form-data; boundary=\(boundary)"],
                body: ByteBuffer(bytes: body)
            ) { r in
                let html = String(buffer: r.body)
                #expect(r.status == .ok)
                #expect(html.contains("<li>one.fit: already there</li>"))
                #expect(html.contains("<li>empty.json: not an activity"))
            }
        }
        let expired = try await ServiceFixture.make(kind) { $0.connectLinkSeconds = -1 }
        try await expired.test { client in
            let link = try await client.execute(
                uri: "/v2/auth/authenticateUser?resource=XOSS", method: .post, headers: expired.headers
            ) { try #require(try json($0.body)["auth_url"] as? String) }
            try await client.execute(uri: String(link.dropFirst("http://slipstream.test".count)), method: .get) {
                #expect($0.status == .forbidden)
                #expect(String(buffer: $0.body).contains("this link has expired"))
            }
        }
    }
}
