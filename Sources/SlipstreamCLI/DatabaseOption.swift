// `--database URL`, opened: SQLite or PostgreSQL, the only place that names both. Every command that
// opens the database creates and migrates its schema.

import ArgumentParser
import Foundation
import ServiceLifecycle
import SlipstreamPostgres
import SlipstreamSQLite
import SlipstreamStorage

struct DatabaseOption: ParsableArguments {
    @Option(
        help:
            "A file path or sqlite:PATH (SQLite), or postgres://USER[:PASS]@HOST[:PORT]/DB; default $SLIPSTREAM_DATABASE, else slipstream.sqlite."
    )
    var database: String?

    /// The database for a one-shot command, migrated.
    func open() async throws -> any Storage {
        try await storageErrorsAsValidation {
            switch try DatabaseLocation(database) {
            case .sqlite(let path): return try SQLiteStorage(path: path)
            case .postgres(let url): return try await PostgresStorage.open(url)
            }
        }
    }

    /// The database for `serve`: PostgreSQL's client runs as a service of the application and
    /// migrates once it runs; SQLite is migrated here.
    func openForService() async throws -> (
        storage: any Storage, services: [any Service], prepare: (@Sendable () async throws -> Void)?
    ) {
        try await storageErrorsAsValidation {
            switch try DatabaseLocation(database) {
            case .sqlite(let path):
                return (try SQLiteStorage(path: path), [], nil)
            case .postgres(let url):
                let storage = PostgresStorage.connect(url)
                return (storage, [storage], { try await storage.migrate() })
            }
        }
    }

    private func storageErrorsAsValidation<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as StorageError {
            throw ValidationError(error.description)
        }
    }
}
