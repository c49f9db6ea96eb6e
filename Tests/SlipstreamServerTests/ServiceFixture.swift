// One server over a fresh storage for each test: SQLite in a temporary file, and PostgreSQL when
// SLIPSTREAM_TEST_POSTGRES names a database (.ci/run starts one). Tests on PostgreSQL share that
// database; each makes its own developer, and everything is scoped by developer.

import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import SlipstreamPostgres
import SlipstreamSQLite
import SlipstreamServer
import SlipstreamStorage
import Testing

enum StorageKind: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite, postgres

    var testDescription: String { rawValue }

    /// SQLite always; PostgreSQL when the environment names one.
    static var available: [StorageKind] {
        ProcessInfo.processInfo.environment["SLIPSTREAM_TEST_POSTGRES"] == nil ? [.sqlite] : [.sqlite, .postgres]
    }

    func open(now: @escaping @Sendable () -> Date = { Date() }) async throws -> any Storage {
        switch self {
        case .sqlite:
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
                "slipstream-test-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            return try SQLiteStorage(path: directory.appendingPathComponent("db.sqlite").path, now: now)
        case .postgres:
            // A database of its own per test, made on the server SLIPSTREAM_TEST_POSTGRES names: the
            // tests run at once, and a delivery worker claims every developer's messages.
            let shared = ProcessInfo.processInfo.environment["SLIPSTREAM_TEST_POSTGRES"]!
            let name = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
            var url = try #require(URLComponents(string: shared))
            let admin = try await PostgresStorage.open(url)
            try await admin.createDatabase(name)
            url.path = "/" + name
            return try await PostgresStorage.open(url, now: now)
        }
    }
}

struct ServiceFixture: Sendable {
    let storage: any Storage
    let server: SlipstreamServer
    let developer: Developer
    let apiKey: String

    static let terraSecret = "terra-test-secret"

    static func make(
        _ kind: StorageKind, webhookURL: String? = nil, configure: (inout ServiceSettings) -> Void = { _ in }
    ) async throws -> ServiceFixture {
        var settings = ServiceSettings()
        settings.publicURL = "http://slipstream.test"
        settings.deliversWebhooks = false  // DeliveryTests run the worker themselves, one round at a time
        configure(&settings)
        let storage = try await kind.open(now: settings.now)
        let (developer, key) = Developer.new(name: "Test Dev", webhookURL: webhookURL, terraSigningSecret: terraSecret)
        try await storage.insertDeveloper(developer)
        return ServiceFixture(
            storage: storage, server: SlipstreamServer(storage: storage, settings: settings), developer: developer,
            apiKey: key)
    }

    var headers: HTTPFields { [HTTPField.Name("dev-id")!: developer.id, HTTPField.Name("x-api-key")!: apiKey] }

    func test<Value: Sendable>(_ body: @Sendable (any TestClientProtocol) async throws -> Value) async throws -> Value {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return try await server.application(logger: logger).test(.router) { client in try await body(client) }
    }

    /// A connected user of this fixture's developer.
    func newUser(_ client: any TestClientProtocol, reference: String? = nil) async throws -> String {
        let body = reference.map { ByteBuffer(string: #"{"reference_id":"\#($0)"}"#) }
        return try await client.execute(
            uri: "/v2/auth/authenticateUser?resource=XOSS", method: .post, headers: headers, body: body
        ) {
            #expect($0.status == .ok)
            return try #require(json($0.body)["user_id"] as? String)
        }
    }
}

func json(_ buffer: ByteBuffer) throws -> [String: Any] {
    try #require(
        try JSONSerialization.jsonObject(with: Data(buffer: buffer)) as? [String: Any], "\(String(buffer: buffer))")
}

/// A member of a JSON object body; nil when the body is not one.
func field(_ buffer: ByteBuffer, _ key: String) -> Any? {
    (try? JSONSerialization.jsonObject(with: Data(buffer: buffer)) as? [String: Any])?[key]
}

/// The repository's files (examples, fixtures).
func repositoryFile(_ path: String) throws -> [UInt8] {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    return [UInt8](try Data(contentsOf: root.appendingPathComponent(path)))
}
