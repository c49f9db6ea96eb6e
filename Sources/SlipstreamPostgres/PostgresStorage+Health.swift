// The PostgreSQL database as a whole: a round trip, what ties our tables together, and which failures
// are an outage (the server down, restarting or refusing connections; the connection lost) or a
// full disk. The client reconnects by itself once the server is back.

import Logging
import PostgresNIO
import SlipstreamStorage

extension PostgresStorage {
    public func ping() async throws {
        try await client.query("SELECT 1", logger: logger)
    }

    /// PostgreSQL checks its pages itself; this checks what ties our tables together.
    public func integrityProblem() async throws -> String? {
        let rows = try await client.query(
            """
            SELECT (SELECT count(*) FROM activity_samples s WHERE NOT EXISTS
                      (SELECT 1 FROM activities a WHERE a.user_id = s.user_id AND a.summary_id = s.summary_id))
                 + (SELECT count(*) FROM activities a WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.id = a.user_id))
            """, logger: logger)
        for try await orphans in rows.decode(Int64.self) where orphans > 0 { return "\(orphans) orphaned rows" }
        return nil
    }

    public func storageError(for error: any Error) -> StorageError? {
        if let transaction = error as? PostgresTransactionError {
            // Whichever step failed: begin, our statements, commit (the rollback's failure follows theirs).
            for step in [transaction.beginError, transaction.closureError, transaction.commitError].compactMap({ $0 }) {
                if let failure = storageError(for: step) { return failure }
            }
            return nil
        }
        guard let error = error as? PSQLError else { return nil }
        switch error.code {
        case .connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown, .poolClosed:
            return .unavailable("\(error.code)")
        case .server:
            let state = error.serverInfo?[.sqlState] ?? ""
            let message = error.serverInfo?[.message] ?? state
            // 53100 disk_full; 08 connection exceptions, 57P01-57P03 shutdowns and start-up, 53300 too many connections.
            if state == "53100" { return .full(message) }
            if state.hasPrefix("08") || state.hasPrefix("57P") || state == "53300" { return .unavailable(message) }
            return nil
        default:
            return nil
        }
    }
}
