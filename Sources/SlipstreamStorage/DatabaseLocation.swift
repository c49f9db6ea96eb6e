// `--database URL`: a file path or `sqlite:PATH` (SQLite, the default `slipstream.sqlite`), or
// `postgres://USER[:PASS]@HOST[:PORT]/DB`; `SLIPSTREAM_DATABASE` when the flag is not given.

import Foundation

public enum DatabaseLocation: Equatable, Sendable {
    case sqlite(path: String)
    case postgres(URLComponents)

    public static let defaultPath = "slipstream.sqlite"

    public init(_ text: String?) throws {
        let given = text ?? ProcessInfo.processInfo.environment["SLIPSTREAM_DATABASE"] ?? Self.defaultPath
        if given.hasPrefix("postgres://") || given.hasPrefix("postgresql://") {
            guard let url = URLComponents(string: given), url.host != nil, url.path.count > 1 else {
                throw StorageError.unsupportedDatabase(given)
            }
            self = .postgres(url)
        } else if given.hasPrefix("sqlite:") {
            let path = String(given.dropFirst("sqlite:".count))
            guard !path.isEmpty else { throw StorageError.unsupportedDatabase(given) }
            self = .sqlite(path: path.hasPrefix("//") ? String(path.dropFirst(2)) : path)
        } else if given.contains("://") {
            throw StorageError.unsupportedDatabase(given)
        } else {
            self = .sqlite(path: given)
        }
    }
}
