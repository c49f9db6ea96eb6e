// Every fixture in Fixtures/parsing/{pass,fail} is read whole and again in chunks of 1 to 31 bytes;
// each read must render exactly the `.gold` file beside it (summaries, problems, error), with one
// allowance: when the token that breaks the JSON straddles two chunks, yajl reports the start of the
// second chunk instead of the token's start (yajl_parser.c clamps its offset "restore" at 0), so a
// fatal error's byte may move forward, never past the token, and its line and column with it.
// `RECORD_GOLDEN=1 swift test` rewrites the gold files and fails, so a re-record never passes silently.

import Foundation
import Slipstream
import Testing

private let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Fixtures/parsing")

private func cases(_ folder: String) -> [String] {
    let names =
        (try? FileManager.default.contentsOfDirectory(atPath: fixtures.appendingPathComponent(folder).path)) ?? []
    return names.filter { $0.hasSuffix(".json") }.sorted().map { "\(folder)/\($0)" }
}

@Suite struct GoldenTests {
    static let passCases = cases("pass")
    static let failCases = cases("fail")

    @Test func fixturesArePresent() {
        #expect(Self.passCases.count >= 12)
        #expect(Self.failCases.count >= 15)
    }

    @Test(arguments: passCases + failCases)
    func rendersTheGoldWhateverTheChunking(name: String) throws {
        let input = try [UInt8](Data(contentsOf: fixtures.appendingPathComponent(name)))
        let goldURL = fixtures.appendingPathComponent(name + ".gold")
        let whole = render(input, name: name)
        if ProcessInfo.processInfo.environment["RECORD_GOLDEN"] == "1" {
            try Data(whole.utf8).write(to: goldURL)
            Issue.record("recorded \(goldURL.lastPathComponent); run again without RECORD_GOLDEN")
            return
        }
        let gold = try String(contentsOf: goldURL, encoding: .utf8)
        #expect(whole == gold)
        for chunkSize in 1...31 {
            let chunked = render(input, chunkSize: chunkSize, name: name)
            let (expected, expectedByte) = splitFatalLocation(gold)
            let (got, gotByte) = splitFatalLocation(chunked)
            #expect(got == expected, "chunks of \(chunkSize) bytes")
            if let expectedByte, let gotByte {
                #expect(gotByte >= expectedByte && gotByte <= expectedByte + 24, "chunks of \(chunkSize) bytes")
            } else {
                #expect(expectedByte == gotByte)
            }
            if got != expected { break }
        }
    }

    @Test(arguments: passCases)
    func passCasesHaveNoDiagnostics(name: String) throws {
        let input = try [UInt8](Data(contentsOf: fixtures.appendingPathComponent(name)))
        #expect(!render(input, name: name).contains("error:"))
        #expect(!render(input, name: name).contains("problem:"))
    }

    @Test(arguments: failCases)
    func failCasesSayWhatWentWrong(name: String) throws {
        let input = try [UInt8](Data(contentsOf: fixtures.appendingPathComponent(name)))
        let text = render(input, name: name)
        #expect(text.contains("error: ") || text.contains("problem: "))
    }
}

/// The rendering with the fatal error's `:LINE:COLUMN (byte N)` taken out, and N.
private func splitFatalLocation(_ text: String) -> (String, Int?) {
    var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    guard let index = lines.lastIndex(where: { $0.hasPrefix("error: malformed-json") }),
        let open = lines[index].range(of: " (byte "),
        let close = lines[index][open.upperBound...].firstIndex(of: ")"),
        let byte = Int(lines[index][open.upperBound..<close])
    else { return (text, nil) }
    let line = lines[index]
    var start = open.lowerBound
    // drop ":LINE:COLUMN" before " (byte"
    var colons = 0
    while start > line.startIndex, colons < 2 {
        start = line.index(before: start)
        if line[start] == ":" { colons += 1 }
    }
    lines[index] = String(line[..<start]) + String(line[close...])
    return (lines.joined(separator: "\n"), byte)
}
