// One file from an end user's head unit: read through the push API as its bytes arrive, then its
// rides stored (those decoded before any damage too), and the outcome said in words.

import Foundation
import HTTPTypes
import SlipstreamCore
import SlipstreamDelivery
import SlipstreamStorage
import SlipstreamStream

/// A file being read: its stream, what it decoded, the error that stopped it.
final class UploadedFile {
    let name: String
    let collector: IngestCollector
    private let stream: ActivityStream
    private(set) var error: SlipstreamError?
    private(set) var length = 0

    init(name: String, userID: String) {
        self.name = name
        collector = IngestCollector(userID: userID)
        stream = ActivityStream(source: name, consumer: collector)
    }

    /// Bytes after an error are counted, not read: the rides before it are kept.
    func feed(_ bytes: UnsafeRawBufferPointer) {
        length += bytes.count
        guard error == nil else { return }
        do { try stream.feed(bytes) } catch { self.error = error }
    }

    func finish() {
        guard error == nil else { return }
        do { _ = try stream.finish() } catch { self.error = error }
    }
}

/// What became of one file.
struct UploadOutcome {
    var status: HTTPResponse.Status
    var words: String
    var json: [UInt8]
}

struct ConnectUpload: Sendable {
    let storage: any Storage
    let metrics: ServiceMetrics

    /// Stores the file's rides that are not stored yet (one already there is left as it is, and no
    /// webhook goes out for it again), and says what became of the file.
    func store(_ file: UploadedFile, developerID: String) async throws -> UploadOutcome {
        let decoded = file.collector.activities
        var fresh: [StoredActivity] = []
        var already: [String] = []
        for activity in decoded {
            if try await storage.activity(userID: activity.userID, summaryID: activity.summaryID) != nil {
                already.append(activity.summaryID)
            } else {
                fresh.append(activity)
            }
        }
        if !fresh.isEmpty {
            try await storage.store(fresh, newUsers: [], developerID: developerID)
            metrics.ingested(bytes: file.length, activities: fresh.count)
        }
        let problem = file.error ?? (decoded.isEmpty ? file.collector.problems.first : nil)
        let words = Self.words(stored: fresh.count, already: already.count, problem: problem)
        var w = JSONWriter()
        w.beginObject()
        w.key("status")
        w.string(decoded.isEmpty ? "error" : "success")
        w.key("outcome")
        w.string(words)
        w.key("stored")
        w.beginArray()
        for activity in fresh { w.string(activity.summaryID) }
        w.endArray()
        w.key("already_there")
        w.beginArray()
        for id in already { w.string(id) }
        w.endArray()
        w.key("byte")
        if let byte = problem?.byteOffset, problem?.kind != .unsupportedFormat { w.integer(byte) } else { w.null() }
        w.endObject()
        return UploadOutcome(status: decoded.isEmpty ? .unprocessableContent : .ok, words: words, json: w.bytes)
    }

    /// "stored 2 rides", "already there", "not an activity: …", "damaged at byte N: …", together.
    static func words(stored: Int, already: Int, problem: SlipstreamError?) -> String {
        var parts: [String] = []
        if stored > 0 { parts.append(stored == 1 ? "stored 1 ride" : "stored \(stored) rides") }
        if already > 0 { parts.append(stored == 0 ? "already there" : "\(already) already there") }
        var words = parts.joined(separator: ", ")
        guard let problem else { return words.isEmpty ? "not an activity: the file holds no ride" : words }
        let what: String
        switch problem.kind {
        case .unsupportedFormat: what = "not an activity (neither a FIT file nor Terra JSON)"
        case .notActivityPayload, .noActivities: what = "not an activity: \(problem.message)"
        default:
            what = (problem.byteOffset.map { "damaged at byte \($0)" } ?? "not readable") + ": \(problem.message)"
        }
        words += (words.isEmpty ? "" : "; ") + what
        return stored + already > 0 ? words + " (the rides before it are kept)" : words
    }
}
