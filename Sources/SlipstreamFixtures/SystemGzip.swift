// Bytes compressed by the system's `gzip -n` (no name, no time: the same bytes every run), for
// tests that need real gzip streams. We read gzip; we never write it.

import Foundation

package enum SystemGzip {
    package static func compress(_ bytes: [UInt8], level: Int = 6) throws -> [UInt8] {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("slipstream-gz-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("input")
        try Data(bytes).write(to: file)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["gzip", "-n", "-\(level)", file.path]
        try process.run()
        process.waitUntilExit()
        return Array(try Data(contentsOf: dir.appendingPathComponent("input.gz")))
    }
}
