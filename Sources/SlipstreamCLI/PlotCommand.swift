// `slipstream plot`: each activity drawn into an SVG file of its own, the route map and the charts
// stacked; the file's path on standard output, failures on standard error.

import ArgumentParser
import Slipstream
import SlipstreamPictures

struct Plot: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plot",
        abstract: "Draw each activity as an SVG file: its route map and a chart of each channel over time.",
        discussion: """
            Writes one file per activity into --out, <summary_id>.svg (a character other than a letter, \
            a digit, '.', '_' or '-' becomes '_'), or <input file>-<n>.svg for the n-th activity of an \
            input without summary ids; a name already written in the run gets -2, -3... Prints each \
            file's path on standard output as it is written. What is drawn: without --channels and \
            --map, the map and every chart the activity has data for; --channels alone, those charts; \
            --map alone, the map; both, the map and those charts. An activity with none of them gets \
            no file. Charts are downsampled to --max-points (largest-triangle-three-buckets), broken \
            where the recording paused, and give times of day in the activity's local time when its \
            start_time carries a UTC offset, else in UTC. Inputs are read as by `summarize`; a payload \
            that fails is reported on standard error and the others are still plotted (exit 65, or 66 \
            when an input could not be read; 74 when a file could not be written).
            """)

    @Argument(
        help:
            "Payload files, directories (walked for .json, .ndjson, .fit, their .gz and archives), archives and gzip files, read by their content; '-' or nothing: standard input."
    )
    var paths: [String] = []

    @Option(help: ArgumentHelp("Existing directory to write the SVG files into.", valueName: "dir"))
    var out = "."

    @Option(
        help: ArgumentHelp(
            "Charts to draw, comma-separated: hr, power, speed, cadence, elevation, temperature.", valueName: "list"))
    var channels: String?

    @Flag(help: "Draw the route map (with --channels: as well as those charts).")
    var map = false

    @Option(
        name: .customLong("map-tiles"),
        help: ArgumentHelp(
            "Slippy-map tiles under the route, a URL template with {z}, {x} and {y}.",
            discussion:
                "The SVG links the tiles (an <image> each); a viewer loads them from the tile server when it shows the file.",
            valueName: "url"))
    var mapTiles: String?

    @Option(parsing: .unconditional, help: "Width of the pictures; charts are 240 high, the map 480.")
    var width = 800

    @Option(name: .customLong("max-points"), parsing: .unconditional, help: "Points a chart draws at most.")
    var maxPoints = 1000

    @Option(
        name: .customLong("max-hr"), parsing: .unconditional,
        help: "Max heart rate (bpm) for the zone bands; default: the payload's user_max_hr_bpm, else no bands.")
    var maxHeartRate: Double?

    @Option(name: .customLong("hr-zones"), help: "Lower bounds of zones 1-5, percent of max HR, ascending.")
    var heartRateZones = "50,60,70,80,90"

    @Flag(help: "Read FIT files whose header or file CRC does not match.")
    var ignoreCRC = false

    @OptionGroup(title: "Limits (exceeding one is exit 65)")
    var limits: LimitOptions

    func validate() throws {
        _ = try chosenKinds()
        _ = try zoneBounds()
        guard width >= 160 else { throw ValidationError("--width must be 160 or more, not \(width)") }
        guard maxPoints >= 2 else { throw ValidationError("--max-points must be 2 or more, not \(maxPoints)") }
        if let maxHeartRate, !(maxHeartRate > 0) { throw ValidationError("--max-hr must be above 0") }
        guard FileSystem.kind(of: out) == .directory else {
            throw ValidationError("--out must be an existing directory: \(out)")
        }
    }

    /// The pictures asked for, in the order of the file.
    func chosenKinds() throws -> [PictureKind] {
        guard let channels else { return PictureKind.allCases }
        var kinds: Set<PictureKind> = map ? [.map] : []
        for name in channels.split(separator: ",").map({ $0.filter { $0 != " " } }) {
            guard let kind = PictureKind(rawValue: name) else {
                throw ValidationError(
                    "--channels takes hr, power, speed, cadence, elevation, temperature; not \(name)")
            }
            kinds.insert(kind)
        }
        return PictureKind.allCases.filter(kinds.contains)
    }

    func zoneBounds() throws -> [Double] {
        let bounds = heartRateZones.split(separator: ",").compactMap { Double($0.filter { $0 != " " }) }
        guard !bounds.isEmpty, bounds.count == heartRateZones.split(separator: ",").count,
            bounds.allSatisfy({ $0 > 0 }), zip(bounds, bounds.dropFirst()).allSatisfy({ $0 < $1 })
        else {
            throw ValidationError("--hr-zones takes ascending percentages above 0, e.g. 50,60,70,80,90")
        }
        return bounds
    }

    func run() throws {
        let kinds = map && channels == nil ? [.map] : try chosenKinds()
        let bounds = try zoneBounds()
        var options = SummaryOptions()
        options.maxHeartRate = maxHeartRate
        options.heartRateZoneBounds = bounds
        let reader = ActivityReader(options: options, limits: limits.readLimits)
        reader.checksFITCRC = !ignoreCRC
        var names = FileNames()
        var failures: [SlipstreamError] = []
        let inputs = PlotInputs(
            reader: reader,
            activity: { record, source, number throws(SlipstreamError) in
                let pictures = RidePictures(
                    columns: record.columns, utcOffsetSeconds: record.startOffsetSeconds,
                    maxHeartRate: record.summary.maxHeartRateUsed, heartRateZoneBounds: bounds, mapTiles: mapTiles)
                let stem = record.summaryID.map(FileNames.safe) ?? FileNames.fallback(source: source, number: number)
                guard
                    let svg = pictures.sheet(
                        kinds, title: record.summaryID ?? stem, width: width, maxPoints: maxPoints)
                else {
                    StandardError.writeLine("slipstream: \(source): activity \(number): nothing to plot")
                    return
                }
                let path = (out.hasSuffix("/") ? out : out + "/") + names.claim(stem) + ".svg"
                let file = try FileSink(path: path)
                try file.write(Array(svg.utf8))
                try file.flush()
                print(path)
            },
            failure: { error in
                let error = error.namingLimit(ReadLimits.Key.flag)
                StandardError.writeLine("slipstream: \(error)")
                if !error.kind.isNotice { failures.append(error) }
            })
        for path in paths.isEmpty ? ["-"] : paths { inputs.read(path) }
        // As `batch`: 74 when a file could not be written, else 66 when an input could not be read, else 65.
        if failures.contains(where: { $0.kind == .outputFailed }) { throw ExitCode(74) }
        if failures.contains(where: { $0.kind == .inputUnreadable }) { throw ExitCode(66) }
        if !failures.isEmpty { throw ExitCode(65) }
    }
}

/// The files' names: safe on any file system, each used once in a run.
struct FileNames {
    /// Lowercased: `A` and `a` are one file where names ignore case (macOS, Windows).
    private var used: Set<String> = []

    /// `stem`, or `stem-2`, `stem-3`... when it was already claimed.
    mutating func claim(_ stem: String) -> String {
        var name = stem
        var suffix = 1
        while used.contains(name.lowercased()) {
            suffix += 1
            name = "\(stem)-\(suffix)"
        }
        used.insert(name.lowercased())
        return name
    }

    /// `text` with every character but ASCII letters, digits, '.', '_' and '-' as '_', at most 100
    /// of them, never hidden (`.` or `..` or `.x` get a leading '_').
    static func safe(_ text: String) -> String {
        let kept = text.unicodeScalars.prefix(100).map { scalar -> Character in
            let allowed = scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar))
            return allowed || scalar == "." || scalar == "_" || scalar == "-" ? Character(scalar) : "_"
        }
        let name = String(kept)
        return name.isEmpty || name.hasPrefix(".") ? "_" + name : name
    }

    /// `ride-2` for the second activity of `rides/ride.fit` (or of `all.tar!ride.json.gz`).
    static func fallback(source: String, number: Int) -> String {
        var base = Substring(source.split(whereSeparator: { $0 == "/" || $0 == "!" }).last ?? "activity")
        if base.lowercased().hasSuffix(".gz") { base = base.dropLast(3) }
        if let dot = base.lastIndex(of: "."), dot != base.startIndex { base = base[..<dot] }
        return safe(base == "<stdin>" ? "stdin" : String(base)) + "-\(number)"
    }
}
