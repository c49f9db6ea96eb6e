// `slipstream plot`: one SVG file per activity, named after its summary id, what it draws chosen by
// flags, and bad inputs reported while the good ones are still plotted.

import Foundation
import Testing

@Suite struct PlotTests {
    static let fit = packageRoot.appendingPathComponent("Tests/Fixtures/fit/Activity.fit").path
    /// Activity.fit's summary id (FITCorpusTests): 14 records of speed, distance, altitude, position.
    static let fitName = "fit-2147483647-1334006546-0.svg"

    static func scratch() throws -> String {
        let path = NSTemporaryDirectory() + "slipstream-plot-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func files(_ directory: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
    }

    static func text(_ path: String) throws -> String { try String(contentsOfFile: path, encoding: .utf8) }

    /// Two heart rate activities without summary ids, one with an id no file may be named.
    static let payload = """
        [{"metadata":{"start_time":"2024-05-04T09:31:05+02:00"},"heart_rate_data":{"detailed":{"hr_samples":[
        {"timestamp":"2024-05-04T09:31:05+02:00","bpm":120},{"timestamp":"2024-05-04T09:31:06+02:00","bpm":125}]}}},
        {"metadata":{"start_time":"2024-05-04T10:00:00+02:00"},"heart_rate_data":{"detailed":{"hr_samples":[
        {"timestamp":"2024-05-04T10:00:00+02:00","bpm":130}]}}},
        {"metadata":{"summary_id":"../evil id"},"power_data":{"power_samples":[
        {"timestamp":"2024-05-04T08:00:00Z","watts":200}]}}]
        """

    @Test func plotsAFITRecordingIntoOneFileNamedAfterItsSummaryID() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let result = try run(["plot", Self.fit, "--out", dir])
        #expect(result.status == 0)
        #expect(result.stderr == "")
        #expect(result.stdout == "\(dir)/\(Self.fitName)\n")
        #expect(try Self.files(dir) == [Self.fitName])
        let svg = try Self.text(dir + "/" + Self.fitName)
        #expect(svg.hasPrefix(#"<svg xmlns="http://www.w3.org/2000/svg" role="group""#))
        // The map and the charts it has data for, nothing else; no inline styles.
        for label in ["Route map", "Speed", "Elevation"] { #expect(svg.contains(#"aria-label="\#(label)""#)) }
        for label in ["Heart rate", "Power", "Cadence", "Temperature"] {
            #expect(!svg.contains(#"aria-label="\#(label)""#))
        }
        #expect(svg.components(separatedBy: #"class="series""#).count == 4)
        #expect(!svg.contains("style="))
    }

    @Test func flagsChooseWhatIsDrawn() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(try run(["plot", Self.fit, "--out", dir, "--channels", "speed"]).status == 0)
        let speed = try Self.text(dir + "/" + Self.fitName)
        #expect(speed.contains(#"aria-label="Speed""#) && !speed.contains(#"aria-label="Route map""#))
        #expect(try run(["plot", Self.fit, "--out", dir, "--map"]).status == 0)
        let map = try Self.text(dir + "/" + Self.fitName)
        #expect(map.contains(#"aria-label="Route map""#) && !map.contains(#"aria-label="Speed""#))
        let both = try run(["plot", Self.fit, "--out", dir, "--map", "--channels", "elevation, hr"])
        #expect(both.status == 0)
        let drawn = try Self.text(dir + "/" + Self.fitName)
        #expect(drawn.contains(#"aria-label="Route map""#) && drawn.contains(#"aria-label="Elevation""#))
        #expect(!drawn.contains(#"aria-label="Speed""#))

        let wrong = try run(["plot", Self.fit, "--out", dir, "--channels", "hr,watts"])
        #expect(wrong.status == 64)
        #expect(wrong.stderr.contains("--channels"))
        #expect(try run(["plot", Self.fit, "--out", dir + "/missing"]).status == 64)
    }

    @Test func namesWithoutSummaryIDsComeFromTheInputAndAreMadeSafe() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Data(Self.payload.utf8).write(to: URL(fileURLWithPath: dir + "/rides.json"))
        let result = try run(["plot", dir + "/rides.json", Self.fit, Self.fit, "--out", dir])
        #expect(result.status == 0, "\(result.stderr)")
        let names = [
            "rides-1.svg", "rides-2.svg", "_.._evil_id.svg", Self.fitName, "fit-2147483647-1334006546-0-2.svg",
        ]
        #expect(result.stdout == names.map { "\(dir)/\($0)\n" }.joined())
        #expect(try Self.files(dir) == (names + ["rides.json"]).sorted())
        // The start time's offset: local times of day, no "UTC".
        let first = try Self.text(dir + "/rides-1.svg")
        #expect(first.contains(#"aria-label="Heart rate""#) && !first.contains(">UTC<"))
        #expect(try Self.text(dir + "/_.._evil_id.svg").contains(#"aria-label="../evil id""#))
    }

    @Test func aDamagedInputIsReportedAndTheGoodOnesStillPlotted() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // One activity, then the next cut short: the first is plotted, the cut reported.
        let broken = dir + "/broken.json"
        let cut =
            #"[{"metadata":{"summary_id":"early"},"power_data":{"power_samples":["#
            + #"{"timestamp":"2024-05-04T08:00:00Z","watts":200}]}},{"metadata":"#
        try Data(cut.utf8).write(to: URL(fileURLWithPath: broken))
        let out = dir + "/out"
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)

        let damaged = try run(["plot", broken, Self.fit, "--out", out])
        #expect(damaged.status == 65)
        #expect(
            damaged.stderr
                == "slipstream: \(broken):1:132 (byte 131): unexpected end of input: the JSON value is not complete (at $[1].metadata)\n"
        )
        #expect(try Self.files(out) == ["early.svg", Self.fitName])
        #expect(damaged.stdout == "\(out)/early.svg\n\(out)/\(Self.fitName)\n")

        let missing = try run(["plot", dir + "/nowhere.fit", Self.fit, "--out", out])
        #expect(missing.status == 66)
        #expect(missing.stderr.contains("nowhere.fit"))
        #expect(missing.stdout == "\(out)/\(Self.fitName)\n")

        // An activity with nothing to draw gets no file, and is no failure.
        let empty = dir + "/empty.json"
        try Data(#"[{"metadata":{"summary_id":"none"}}]"#.utf8).write(to: URL(fileURLWithPath: empty))
        let nothing = try run(["plot", empty, "--out", out])
        #expect(nothing.status == 0)
        #expect(nothing.stdout == "")
        #expect(nothing.stderr == "slipstream: \(empty): activity 1: nothing to plot\n")
    }
}
