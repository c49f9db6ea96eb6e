// The SQLite database as a whole: a round trip, its own consistency check, and which of its failures
// are a full disk (SQLITE_FULL: the transaction rolled back, nothing of it stored) or an outage.

import GRDB
import SlipstreamStorage

extension SQLiteStorage {
    public func ping() async throws {
        _ = try await pool.read { db in try Int.fetchOne(db, sql: "SELECT 1") }
    }

    public func integrityProblem() async throws -> String? {
        try await pool.read { db in
            let result = try String.fetchAll(db, sql: "PRAGMA integrity_check")
            return result == ["ok"] ? nil : result.joined(separator: "; ")
        }
    }

    public func storageError(for error: any Error) -> StorageError? {
        guard let error = error as? DatabaseError else { return nil }
        switch error.resultCode {
        case .SQLITE_FULL: return .full(error.message ?? "database or disk is full")
        case .SQLITE_IOERR, .SQLITE_BUSY, .SQLITE_LOCKED, .SQLITE_CANTOPEN:
            return .unavailable(error.message ?? "\(error.resultCode)")
        default: return nil
        }
    }
}
