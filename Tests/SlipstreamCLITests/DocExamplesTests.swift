// Every `$ command` example in README.md and docs/*.md runs here against the built binary, so that
// a change of output fails until the document follows.
//
// In a fenced block, a line starting with `$ ` is a command; the lines after it, up to the next
// command or the end of the block, are what it prints: standard output, then standard error. A line
// `...` stands for any number of lines, and `[...]` inside a line for any text (times, rates).
// A document's commands run in order in one fresh directory holding a copy of `examples/`, with
// `slipstream` first on the PATH; `$?` is the previous command's status, as in a shell, and what an
// `export` command sets holds for the commands after it.

import Foundation
import Testing

/// One `$ command` and what the document says it prints.
struct DocExample: CustomStringConvertible {
    var document: String
    var line: Int
    var command: String
    var expected: [String]
    var description: String { "\(document):\(line): $ \(command)" }
}

enum DocExamples {
    static let documents: [String] = {
        let docs =
            (try? FileManager.default.contentsOfDirectory(atPath: packageRoot.appendingPathComponent("docs").path))
            ?? []
        return ["README.md"] + docs.filter { $0.hasSuffix(".md") }.sorted().map { "docs/" + $0 }
    }()

    static func examples(in document: String) throws -> [DocExample] {
        let text = try String(contentsOf: packageRoot.appendingPathComponent(document), encoding: .utf8)
        var examples: [DocExample] = []
        var inBlock = false
        var open = false  // the last example's output is being read
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if line.hasPrefix("```") {
                inBlock.toggle()
                open = false
            } else if inBlock && line.hasPrefix("$ ") {
                examples.append(
                    DocExample(document: document, line: index + 1, command: String(line.dropFirst(2)), expected: []))
                open = true
            } else if open {
                examples[examples.count - 1].expected.append(String(line))
            }
        }
        return examples
    }

    /// The lines of a command's output; the last needs no newline (curl prints none).
    static func lines(_ text: String) -> [String] {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        return lines
    }

    /// `expected` against `actual`: `...` lines match any run of lines, `[...]` any text in a line.
    static func matches(_ expected: ArraySlice<String>, _ actual: ArraySlice<String>) -> Bool {
        guard let first = expected.first else { return actual.isEmpty }
        if first == "..." {
            for skip in 0...actual.count where matches(expected.dropFirst(), actual.dropFirst(skip)) { return true }
            return false
        }
        guard let line = actual.first, lineMatches(first, line) else { return false }
        return matches(expected.dropFirst(), actual.dropFirst())
    }

    static func lineMatches(_ pattern: String, _ line: String) -> Bool {
        let parts = pattern.components(separatedBy: "[...]")
        guard parts.count > 1 else { return pattern == line }
        guard line.hasPrefix(parts[0]) else { return false }
        var rest = line.dropFirst(parts[0].count)
        for part in parts.dropFirst().dropLast() {
            guard let range = rest.range(of: part) else { return false }
            rest = rest[range.upperBound...]
        }
        return rest.hasSuffix(parts[parts.count - 1]) && rest.count >= parts[parts.count - 1].count
    }
}

@Suite struct DocExamplesTests {
    @Test func theMatcherReadsElisions() {
        #expect(DocExamples.matches(["a", "...", "d"], ["a", "b", "c", "d"]))
        #expect(DocExamples.matches(["a", "...", "b"], ["a", "b"]))
        #expect(!DocExamples.matches(["a", "b"], ["a", "b", "c"]))
        #expect(DocExamples.lineMatches("in [...] s ([...] MB/s)", "in 0.4 s (212.9 MB/s)"))
        #expect(!DocExamples.lineMatches("in [...] s", "in 0.4 ms"))
    }

    @Test func everyDocumentHasItsExamplesFound() throws {
        let readme = try DocExamples.examples(in: "README.md")
        #expect(readme.count >= 10)
        #expect(readme.contains { $0.command.hasPrefix("slipstream batch") })
    }

    @Test(arguments: DocExamples.documents)
    func everyExampleInTheDocumentPrintsWhatItSays(document: String) throws {
        let examples = try DocExamples.examples(in: document)
        guard !examples.isEmpty else { return }
        let directory = NSTemporaryDirectory() + "slipstream-docs-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.copyItem(
            atPath: packageRoot.appendingPathComponent("examples").path, toPath: directory + "/examples")
        var status: Int32 = 0
        var exports = ""
        for example in examples {
            let result = try shell(exports + "(exit \(status)); " + example.command, in: directory)
            if example.command.hasPrefix("export ") { exports += example.command + "; " }
            status = result.status
            let actual = DocExamples.lines(result.stdout) + DocExamples.lines(result.stderr)
            #expect(
                DocExamples.matches(example.expected[...], ArraySlice(actual)),
                "\(example)\nexpected:\n\(example.expected.joined(separator: "\n"))\nprinted:\n\(actual.joined(separator: "\n"))"
            )
        }
    }
}
