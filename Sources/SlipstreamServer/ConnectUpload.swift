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

    func store(_ file: UploadedFile, developerID: String) async throws -> UploadOutcome {
        let activities = file.collector.activities
        var existing: [StoredActivity] = []
        for activity in activities {
            let same = try await storage.activities(
                userID: activity.userID, from: activity.startTime, to: activity.startTime + 1, after: nil, limit: 16,
                withSamples: false)
            if same.contains(where: { $0.summaryID == activity.summaryID }) { existing.append(activity) }
        }
        // A damaged copy of a ride stored whole never replaces it.
        let stored =
            file.error == nil
            ? activities : activities.filter { a in !existing.contains { $0.summaryID == a.summaryID } }
        if !stored.isEmpty {
            try await storage.store(stored, newUsers: [], developerID: developerID)
            metrics.ingested(bytes: file.length, activities: stored.count)
        }
        let already = existing.count
        let fresh = activities.count - already
        var parts: [String] = []
        if fresh > 0 { parts.append(fresh == 1 ? "stored 1 ride" : "stored \(fresh) rides") }
        if already > 0 { parts.append(already == activities.count ? "already there" : "\(already) already there") }
        var words = parts.joined(separator: ", ")
        let problem = file.error ?? (activities.isEmpty ? file.collector.problems.first : nil)
        if let problem {
            let place = problem.byteOffset.map { "damaged at byte \($0)" } ?? "not readable"
            let what = problem.kind == .notActivityPayload ? "not an activity" : place
            words += (words.isEmpty ? "" : "; ") + "\(what): \(problem.message)"
            if !activities.isEmpty { words += " (the rides before it are kept)" }
        } else if activities.isEmpty {
            words = "not an activity: the file holds no ride"
        }
        var w = JSONWriter()
        w.beginObject()
        w.key("status")
        w.string(activities.isEmpty ? "error" : "success")
        w.key("outcome")
        w.string(words)
        w.key("activities")
        w.beginArray()
        for activity in activities { w.string(activity.summaryID) }
        w.endArray()
        w.key("byte")
        if let byte = problem?.byteOffset { w.integer(byte) } else { w.null() }
        w.endObject()
        return UploadOutcome(status: activities.isEmpty ? .unprocessableContent : .ok, words: words, json: w.bytes)
    }
}
