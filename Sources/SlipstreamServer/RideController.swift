// One ride in the dashboard: summary cards, the pictures drawn on the server, the values behind each
// picture, and the ride as JSON (`GET /v2/activity`'s shape) or its samples as CSV.
//
//     GET /dashboard/users/{user_id}/activities/{summary_id}[/json | /csv | /values/{picture}]

import Foundation
import Hummingbird
import SlipstreamCore
import SlipstreamDelivery
import SlipstreamOutput
import SlipstreamPictures
import SlipstreamStorage
import SlipstreamWeb

struct RideController: Sendable {
    let storage: any Storage
    let settings: ServiceSettings
    let session: WebSession
    let pages: WebPages

    func addRoutes(to router: Router<BasicRequestContext>) {
        let rides = router.group("dashboard/users/:user_id/activities/:summary_id")
            .add(middleware: WebErrorPages(session: session))
        rides.get { request, context in try await ride(request, context) }
        rides.get("json") { request, context in try await json(request, context) }
        rides.get("csv") { request, context in try await csv(request, context) }
        rides.get("values/:picture") { request, context in try await values(request, context) }
    }

    /// The signed-in developer's activity named by the path, with its samples; 404 for anyone else's.
    private func load(_ request: Request, _ context: BasicRequestContext) async throws -> (
        SignedIn, ServiceUser, StoredActivity
    ) {
        let signedIn = try await session.require(request)
        let userID = try context.parameters.decoded("user_id")
        let summaryID = try context.parameters.decoded("summary_id")
        guard let user = try await storage.user(id: userID, developerID: signedIn.developer.id),
            let activity = try await storage.activity(userID: user.id, summaryID: summaryID)
        else { throw Problem.notFound("no activity \(summaryID) of user \(userID) here") }
        return (signedIn, user, activity)
    }

    private func pictures(_ activity: StoredActivity, _ summary: StoredSummary) throws -> RidePictures {
        RidePictures(
            columns: try SampleCodec.decode(activity.samples), utcOffsetSeconds: activity.utcOffsetSeconds,
            maxHeartRate: summary.heart_rate_data?.summary?.user_max_hr_bpm, mapTiles: settings.mapTiles)
    }

    private func base(_ user: ServiceUser, _ activity: StoredActivity) -> String {
        "/dashboard/users/\(DashboardController.escapePath(user.id))/activities/\(DashboardController.escapePath(activity.summaryID))"
    }

    func ride(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let (signedIn, user, activity) = try await load(request, context)
        let summary = StoredSummary.read(activity.summaryJSON)
        let drawn = try pictures(activity, summary)
        let base = base(user, activity)
        let views = drawn.kinds.compactMap { kind in
            drawn.picture(kind).map {
                PictureView(label: kind.label, svg: $0.svg, tableHref: base + "/values/" + kind.rawValue)
            }
        }
        let zones = (summary.heart_rate_data?.summary?.hr_zone_data ?? []).map {
            ZoneTime(zone: $0.zone, seconds: $0.duration_seconds ?? 0)
        }
        let page = RidePage(
            session: signedIn.bar, userID: user.id, name: summary.metadata?.name ?? activity.summaryID,
            subtitle: ActivityTypeNames.name(summary.metadata?.type) + " · "
                + WebFormat.dateTime(activity.startTime, offsetSeconds: activity.utcOffsetSeconds),
            cards: Self.cards(summary), pictures: views, zones: ZoneTimeBar.svg(zones), jsonHref: base + "/json",
            csvHref: base + "/csv", back: "/dashboard/users/" + DashboardController.escapePath(user.id))
        return session.html(pages.render(page))
    }

    /// The summary's headline values under their Terra field names.
    static func cards(_ s: StoredSummary) -> [SummaryCard] {
        let hr = s.heart_rate_data?.summary
        let movement = s.movement_data
        let candidates: [(String, String, String?)] = [
            ("Distance", "distance_data.summary.distance_meters", s.distanceMeters.map { WebFormat.kilometres($0) }),
            ("Elapsed", "slipstream.elapsed_seconds", s.slipstream?.elapsed_seconds.map { WebFormat.duration($0) }),
            ("Moving", "slipstream.moving_seconds", s.slipstream?.moving_seconds.map { WebFormat.duration($0) }),
            (
                "Avg speed", "movement_data.avg_speed_meters_per_second",
                movement?.avg_speed_meters_per_second.map { WebFormat.number($0 * 3.6, "km/h", decimals: 1) }
            ),
            (
                "Max speed", "movement_data.max_speed_meters_per_second",
                movement?.max_speed_meters_per_second.map { WebFormat.number($0 * 3.6, "km/h", decimals: 1) }
            ),
            (
                "Avg heart rate", "heart_rate_data.summary.avg_hr_bpm",
                hr?.avg_hr_bpm.map { WebFormat.number($0, "bpm") }
            ),
            (
                "Max heart rate", "heart_rate_data.summary.max_hr_bpm",
                hr?.max_hr_bpm.map { WebFormat.number($0, "bpm") }
            ),
            ("Avg power", "power_data.avg_watts", s.power_data?.avg_watts.map { WebFormat.number($0, "W") }),
            ("Max power", "power_data.max_watts", s.power_data?.max_watts.map { WebFormat.number($0, "W") }),
            (
                "Avg cadence", "movement_data.avg_cadence_rpm",
                movement?.avg_cadence_rpm.map { WebFormat.number($0, "rpm") }
            ),
            (
                "Elevation gain", "distance_data.summary.elevation.gain_actual_meters",
                s.distance_data?.summary?.elevation?.gain_actual_meters.map { WebFormat.number($0, "m") }
            ),
            (
                "Avg temperature", "slipstream.temperature.avg_celsius",
                s.slipstream?.temperature?.avg_celsius.map { WebFormat.number($0, "°C", decimals: 1) }
            ),
        ]
        return candidates.compactMap { label, field, value in
            value.map { SummaryCard(label: label, field: field, value: $0) }
        }
    }

    func values(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let (signedIn, user, activity) = try await load(request, context)
        let name = try context.parameters.require("picture")
        guard let kind = PictureKind(rawValue: name),
            let picture = try pictures(activity, StoredSummary.read(activity.summaryJSON)).picture(kind)
        else { throw Problem.notFound("this ride has no picture '\(name)'") }
        return session.html(
            pages.render(
                ValuesPage(
                    session: signedIn.bar, title: kind.label + ": the values drawn", columns: picture.columnTitles,
                    rows: picture.rows, back: base(user, activity))))
    }

    /// `{"user":…,"data":[the activity with its samples],"type":"activity"}`, as `GET /v2/activity` answers.
    func json(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let (signedIn, user, activity) = try await load(request, context)
        var head = JSONWriter()
        head.beginObject()
        head.key("user")
        TerraJSON.user(user, into: &head)
        head.key("data")
        head.beginArray()
        let chunks = try MessageChunks(
            activity: ScopeFilter.apply(signedIn.developer.scopes, to: activity), head: head.bytes,
            tail: Array("],\"type\":\"activity\"}".utf8))
        var body = ByteBuffer()
        for try await chunk in chunks { body.writeImmutableBuffer(chunk) }
        var headers = session.securityHeaders
        headers[.contentType] = "application/json"
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: body))
    }

    /// The samples as `slipstream columns` writes them: a row per instant.
    func csv(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let (_, _, activity) = try await load(request, context)
        var bytes: [UInt8] = []
        let writer = ColumnsWriter(format: .csv, output: { bytes += $0 }, problem: { _ in })
        try writer.write(try SampleCodec.decode(activity.samples), activity: activity.summaryID)
        var headers = session.securityHeaders
        headers[.contentType] = "text/csv; charset=utf-8"
        headers[.contentDisposition] =
            "attachment; filename=\"\(activity.summaryID.filter { $0.isLetter || $0.isNumber || $0 == "-" }).csv\""
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
