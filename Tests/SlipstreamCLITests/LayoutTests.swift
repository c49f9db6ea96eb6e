// The package's layout holds to its rules, read from Package.swift and the sources themselves:
// every import is a declared dependency, no source file passes 400 lines, no protocol has more than
// 8 requirements, `import Slipstream` brings no fixtures, and docs/ARCHITECTURE.md names every
// target and only files that exist.

import Foundation
import Testing

/// One target of Package.swift: its kind, name and the modules it may import.
struct PackageTarget {
    var kind: String
    var name: String
    var dependencies: Set<String>
    var directory: String { (kind == "testTarget" ? "Tests/" : "Sources/") + name }
}

enum PackageLayout {
    /// Modules every target may import: the toolchain's own.
    static let toolchain: Set<String> = [
        "Foundation", "FoundationEssentials", "Glibc", "Musl", "Darwin", "Dispatch", "Synchronization", "Testing",
    ]

    static func text(_ path: String) throws -> String {
        try String(contentsOf: packageRoot.appendingPathComponent(path), encoding: .utf8)
    }

    /// The targets of Package.swift, each from its `.kind(` to the next target's.
    static func targets() throws -> [PackageTarget] {
        let manifest = try text("Package.swift")
        let start = try #require(manifest.range(of: "targets: ["))
        let body = String(manifest[start.upperBound...])
        let opener = /\.(target|executableTarget|testTarget|systemLibrary)\(/
        let openers = body.matches(of: opener)
        return try openers.indices.map { index in
            let end = index + 1 < openers.count ? openers[index + 1].range.lowerBound : body.endIndex
            let declaration = body[openers[index].range.lowerBound..<end]
            let name = try #require(declaration.firstMatch(of: /name: "(\w+)"/)).1
            var dependencies: Set<String> = []
            if let list = declaration.range(of: "dependencies: [") {
                let tail = declaration[list.upperBound...]
                for match in tail.matches(of: /\.product\(name: "(\w+)"|"(\w+)"/) {
                    if let product = match.1 {
                        dependencies.insert(String(product))
                    } else if let target = match.2 {
                        dependencies.insert(String(target))
                    }
                }
                // Package names of `.product(name:package:)` are not modules.
                for match in tail.matches(of: /package: "([\w.-]+)"/) { dependencies.remove(String(match.1)) }
            }
            return PackageTarget(kind: String(openers[index].1), name: String(name), dependencies: dependencies)
        }
    }

    /// The files under `directory` (a path from the package root) whose names end with `suffix`.
    static func files(in directory: String, endingWith suffixes: [String] = [".swift"]) -> [String] {
        let paths =
            (try? FileManager.default.subpathsOfDirectory(atPath: packageRoot.appendingPathComponent(directory).path))
            ?? []
        return paths.filter { path in suffixes.contains { path.hasSuffix($0) } }.map { directory + "/" + $0 }.sorted()
    }

    static func imports(of source: String) -> [String] {
        source.matches(of: /(?m)^(?:@testable |@_exported |internal |public |package )?import (\w+)/).map {
            String($0.1)
        }
    }
}

@Suite struct LayoutTests {
    @Test func everyImportIsADeclaredDependency() throws {
        let targets = try PackageLayout.targets().filter { $0.kind != "systemLibrary" }
        #expect(targets.count >= 20)
        var undeclared: [String] = []
        for target in targets {
            for file in PackageLayout.files(in: target.directory) {
                for module in PackageLayout.imports(of: try PackageLayout.text(file))
                where !PackageLayout.toolchain.contains(module) && !target.dependencies.contains(module) {
                    undeclared.append("\(file) imports \(module)")
                }
            }
        }
        #expect(undeclared == [])
    }

    @Test func everyDeclaredDependencyIsImported() throws {
        var unused: [String] = []
        for target in try PackageLayout.targets() where target.kind == "target" || target.kind == "executableTarget" {
            let files = PackageLayout.files(in: target.directory)
            guard !files.isEmpty else { continue }  // C targets
            let imported = Set(try files.flatMap { PackageLayout.imports(of: try PackageLayout.text($0)) })
            for dependency in target.dependencies.sorted() where !imported.contains(dependency) {
                unused.append("\(target.name) declares \(dependency)")
            }
        }
        #expect(unused == [])
    }

    @Test func noSourceFilePassesFourHundredLines() throws {
        let long = try PackageLayout.files(in: "Sources").compactMap { file -> String? in
            let lines = try PackageLayout.text(file).split(separator: "\n", omittingEmptySubsequences: false).count - 1
            return lines > 400 ? "\(file): \(lines) lines" : nil
        }
        #expect(long == [])
    }

    @Test func noProtocolHasMoreThanEightRequirements() throws {
        var large: [String] = []
        for file in PackageLayout.files(in: "Sources") {
            let source = try PackageLayout.text(file)
            for match in source.matches(of: /(?m)^(?:public |package )?protocol (\w+)[^{]*\{([^}]*)\}/) {
                let requirements = match.2.matches(
                    of: #/(?m)^\s+(?:mutating |static |nonmutating )*(?:func|var|init|subscript|associatedtype)\s/#
                ).count
                if requirements > 8 { large.append("\(file): \(match.1) has \(requirements)") }
            }
        }
        #expect(large == [])
    }

    @Test func theUmbrellaBringsNoFixtures() throws {
        let umbrella = try #require(try PackageLayout.targets().first { $0.name == "Slipstream" })
        #expect(
            !umbrella.dependencies.contains("SlipstreamFixtures") && !umbrella.dependencies.contains("SlipstreamBench"))
        #expect(
            !PackageLayout.imports(of: try PackageLayout.text("Sources/Slipstream/Exports.swift")).contains(
                "SlipstreamFixtures"))
        let products = try PackageLayout.text("Package.swift").matches(of: /\.library\(name: "(\w+)"/).map {
            String($0.1)
        }
        #expect(products == ["Slipstream"])
    }

    @Test func theArchitectureDocumentNamesEveryTargetAndOnlyFilesThatExist() throws {
        let document = try PackageLayout.text("docs/ARCHITECTURE.md")
        let missing = try PackageLayout.targets().map(\.name).filter { !document.contains("`\($0)`") }
        #expect(missing == [], "targets not in docs/ARCHITECTURE.md")
        let files =
            ["Package.swift"]
            + ["Sources", "Tests"].flatMap { PackageLayout.files(in: $0, endingWith: [".swift", ".c", ".h"]) }
        var absent: [String] = []
        for match in document.matches(of: try Regex(#"`([\w/*+.-]+\.(?:swift|c|h))`"#)) {
            let named = try #require(match.output[1].substring.map(String.init))
            let pattern =
                "^(.*/)?"
                + NSRegularExpression.escapedPattern(for: named).replacingOccurrences(of: "\\*", with: "[^/]*") + "$"
            let regex = try Regex(pattern)
            if !files.contains(where: { $0.contains(regex) }) { absent.append(named) }
        }
        #expect(absent == [], "files docs/ARCHITECTURE.md names that do not exist")
    }
}
