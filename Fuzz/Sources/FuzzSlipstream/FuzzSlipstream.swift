// One fuzz input: its first byte chooses the chunk size, the output and whether the rest is a
// compressed stream; the rest is read as a payload. Any crash, sanitizer report, leak or hang is a
// finding; errors thrown by the reader are the expected outcome for most inputs.

import Slipstream
@_spi(Reference) import SlipstreamJSON

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard let start, count > 0 else { return 0 }
    let mode = start[0]
    let bytes = Array(UnsafeBufferPointer(start: start + 1, count: count - 1))
    // Chunk sizes 1...64 and the real 64 KiB: state carried across chunk boundaries is exercised.
    let chunkSize = mode & 0x40 != 0 ? ActivityReader.chunkSize : Int(mode & 0x3F) + 1
    var limits = ReadLimits()
    limits.maxSamplesPerChannel = 10_000
    limits.maxDepth = 64
    var options = SummaryOptions()
    options.maxHeartRate = 190
    options.functionalThresholdPower = 250
    let reader = ActivityReader(chunkSize: chunkSize, options: options, limits: limits)
    var written = 0
    let consumer: any ActivityConsumer =
        mode & 0x80 != 0
        ? ColumnsWriter(output: { written &+= $0.count }, problem: { _ in })
        : SummaryWriter(output: { written &+= $0.count }, problem: { _ in })
    if mode & 0x3F != 0x3F { compareSampleReaders(bytes, chunkSize: chunkSize, limits: limits, twoThreads: mode & 0x03 == 0) }
    do {
        if mode & 0x3F == 0x3F {
            var source = try ArchiveReader(decompressing: MemorySource(bytes, name: "fuzz"), name: "fuzz")
            if try source.nextEntry() != nil { _ = try reader.read(&source, into: consumer) }
        } else {
            var source = MemorySource(bytes, name: "fuzz")
            _ = try reader.read(&source, into: consumer)
        }
    } catch {
        _ = error.description
    }
    return 0
}

/// The C tape (in one thread and in two) and the router's own reading of sample lists must agree on
/// every input: the same samples (bit for bit), counts, problems and error (offset, line, column, path).
func compareSampleReaders(_ bytes: [UInt8], chunkSize: Int, limits: ReadLimits, twoThreads: Bool) {
    let tape = Transcript.read(bytes, chunkSize: chunkSize, limits: limits, inC: true)
    let reference = Transcript.read(bytes, chunkSize: chunkSize, limits: limits, inC: false)
    if tape != reference { fatalError("the C tape and the Swift reader disagree:\n\(tape)\n\(reference)") }
    // One input in four, in chunks of more than 8 bytes: a debug build's storing thread spins slowly.
    guard twoThreads, chunkSize > 8 else { return }
    let twoThreads = Transcript.read(bytes, chunkSize: chunkSize, limits: limits, inC: true, threads: 2)
    if twoThreads != reference { fatalError("the C tape in two threads and the Swift reader disagree:\n\(twoThreads)\n\(reference)") }
}

final class Transcript: DecodedActivitySink {
    var lines: [String] = []

    static func read(_ bytes: [UInt8], chunkSize: Int, limits: ReadLimits, inC: Bool, threads: Int = 1) -> [String] {
        let transcript = Transcript()
        let decoder = TerraJSONDecoder(sink: transcript, source: "fuzz", limits: limits, readsSamplesInC: inC, parseThreads: threads)
        do {
            for start in stride(from: 0, to: bytes.count, by: chunkSize) {
                let chunk = bytes[start..<min(bytes.count, start + chunkSize)]
                try chunk.withUnsafeBytes { try decoder.feed($0) }
            }
            try decoder.finish()
        } catch {
            transcript.lines.append("error \(describe(error as? SlipstreamError))")
        }
        return transcript.lines
    }

    static func describe(_ error: SlipstreamError?) -> String {
        guard let error else { return "other" }
        return "\(error.kind) \(error.message) \(error.byteOffset ?? -1) \(error.line ?? -1):\(error.column ?? -1) \(error.jsonPath ?? "-")"
    }

    func activityDecoded(_ activity: inout DecodedActivity) throws {
        lines.append("activity \(activity.jsonPath) \(activity.columns.timestampsWithoutOffset)")
        for column in activity.columns.columns {
            lines.append(
                "\(column.times) \(column.values.map(\.bitPattern)) \(column.timers.map(\.bitPattern)) "
                    + "\(column.secondValues.map(\.bitPattern)) \(column.dropped) \(column.outOfRange)")
        }
    }
    func userRead(userID: String?, providerName: String?) throws { lines.append("user \(userID ?? "-")") }
    func payloadEnded(user: RawJSON?, discardsActivities: Bool) throws { lines.append("payload \(discardsActivities)") }
    func problem(_ error: SlipstreamError) { lines.append("problem \(Self.describe(error))") }
}

// SwiftPM links an executable's entry point as `<target>_main`: hand control to libFuzzer's driver.
@_silgen_name("LLVMFuzzerRunDriver")
private func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ body: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

@_cdecl("FuzzSlipstream_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var arguments = argv
    return runFuzzerDriver(&count, &arguments) { fuzz($0, $1) }
}
