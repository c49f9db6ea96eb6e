// The developer's dashboard: signing in with the API's own pair, the users, one user's history.
//
//     GET/POST /dashboard/signin   POST /dashboard/signout   GET /dashboard/users?q=&page=
//     GET /dashboard/users/{user_id}?from=&to=

import Foundation
import Hummingbird
import SlipstreamSecrets
import SlipstreamStorage
import SlipstreamWeb

struct DashboardController: Sendable {
    static let usersPerPage = 50
    static let activitiesPerPage = 500

    let storage: any Storage
    let settings: ServiceSettings
    let session: WebSession
    let pages: WebPages

    func addRoutes(to router: Router<BasicRequestContext>) {
        let web = router.group("dashboard").add(middleware: WebErrorPages(session: session))
        web.get { request, _ in
            try await session.signedIn(request) == nil
                ? session.redirect("/dashboard/signin") : session.redirect("/dashboard/users")
        }
        web.get("signin") { _, _ in session.html(pages.render(SignInPage())) }
        web.post("signin") { request, _ in try await signIn(request) }
        web.post("signout") { request, _ in
            _ = try await session.requireForm(request)
            return session.redirect("/dashboard/signin", extra: session.sessionCookie(nil))
        }
        web.get("users") { request, _ in try await users(request) }
        web.get("users/:user_id") { request, context in
            try await user(request, id: context.parameters.decoded("user_id"))
        }
    }

    /// The key is checked as the API checks `x-api-key`: same hash, same constant-time comparison.
    func signIn(_ request: Request) async throws -> Response {
        try session.checkOrigin(request)
        let form = try await WebSession.form(request)
        let id = form["dev_id", default: ""].trimmingCharacters(in: .whitespaces)
        do {
            let developer = try await Authenticator(accounts: storage).developer(
                headers: [.init("dev-id")!: id, .init("x-api-key")!: form["api_key", default: ""]])
            return session.redirect(
                "/dashboard/users", extra: session.sessionCookie(session.newSession(for: developer)))
        } catch let problem as Problem where problem.status == .unauthorized {
            return session.html(
                pages.render(SignInPage(developerID: id, error: "That developer id and API key do not match.")),
                status: .unauthorized)
        }
    }

    func users(_ request: Request) async throws -> Response {
        let signedIn = try await session.require(request)
        let query = request.uri.queryParameters
        let prefix = query.get("q").flatMap { $0.isEmpty ? nil : $0 }
        let per = Self.usersPerPage
        let id = signedIn.developer.id
        let count = try await storage.userCount(developerID: id, referencePrefix: prefix)
        // A page past the last is the last one (and no arithmetic on a huge number).
        let last = max(1, (count + per - 1) / per)
        let page = min(last, max(1, query.get("page").flatMap { Int($0) } ?? 1))
        let rows = try await storage.userOverviews(
            developerID: id, referencePrefix: prefix, offset: (page - 1) * per, limit: per)
        let link = { (n: Int, text: String) in
            Link(href: "/dashboard/users?" + Self.query(["q": prefix, "page": String(n)]), text: text)
        }
        let first = (page - 1) * per
        return session.html(
            pages.render(
                UsersPage(
                    session: signedIn.bar, query: prefix ?? "", total: count,
                    users: rows.map { overview in
                        UserRow(
                            href: "/dashboard/users/" + Self.escapePath(overview.user.id),
                            userID: overview.user.id, referenceID: overview.user.referenceID ?? "—",
                            provider: overview.user.provider, created: WebFormat.day(overview.user.createdAt),
                            lastActivity: overview.lastActivityStart.map(WebFormat.day) ?? "—",
                            activityCount: overview.activityCount)
                    },
                    range: rows.isEmpty ? "0" : "\(first + 1)–\(first + rows.count)",
                    previous: page > 1 ? link(page - 1, "← Previous") : nil,
                    next: first + rows.count < count ? link(page + 1, "Next →") : nil)))
    }

    func user(_ request: Request, id: String) async throws -> Response {
        let signedIn = try await session.require(request)
        guard let user = try await storage.user(id: id, developerID: signedIn.developer.id) else {
            throw Problem.notFound("no user \(id) here")
        }
        let query = request.uri.queryParameters
        let day = WebFormat.dayMicroseconds
        let now = Int64(settings.now().timeIntervalSince1970) * 1_000_000
        let to = WebFormat.parseDay(query.get("to")).map { $0 + day } ?? (now / day + 1) * day
        var from = WebFormat.parseDay(query.get("from")) ?? to - 84 * day
        guard from < to else { throw Problem.badRequest("'from' must be on or before 'to'") }
        // Newest first; `before` (µs, from the "older" link) continues below the last one shown.
        let before = min(to, query.get("before").flatMap { Int64($0) } ?? to)
        var stored = try await storage.latestActivities(
            userID: user.id, from: from, to: before, limit: Self.activitiesPerPage + 1)
        // Nothing in the last 12 weeks and no dates asked for: the user's history from its start.
        if stored.isEmpty, query.get("from") == nil {
            stored = try await storage.latestActivities(
                userID: user.id, from: 0, to: to, limit: Self.activitiesPerPage + 1)
            if let last = stored.last { from = last.startTime / day * day }
        }
        let shown = stored.prefix(Self.activitiesPerPage)
        let base = "/dashboard/users/" + Self.escapePath(user.id)
        // Each summary decoded once, for its row and its week.
        let summaries = shown.map { StoredSummary.read($0.summaryJSON) }
        let rows = zip(shown, summaries).map { activity, summary in
            Self.row(activity, summary, href: base + "/activities/" + Self.escapePath(activity.summaryID))
        }
        return session.html(
            pages.render(
                UserPage(
                    session: signedIn.bar, userID: user.id, referenceID: user.referenceID ?? user.id,
                    from: WebFormat.day(from), to: WebFormat.day(to - day), activities: rows,
                    weeks: Self.weeks(Array(zip(shown, summaries))),
                    connectLink: ConnectController.link(for: user, developer: signedIn.developer, settings: settings),
                    more: stored.count > Self.activitiesPerPage
                        ? Link(
                            href: base + "?"
                                + Self.query([
                                    "from": WebFormat.day(from), "to": WebFormat.day(to - day),
                                    "before": String(shown.last!.startTime),
                                ]),
                            text: "The \(Self.activitiesPerPage) latest are shown: older ones →") : nil)))
    }

    /// An activity as a row of a list, from its stored summary.
    static func row(_ activity: StoredActivity, _ summary: StoredSummary, href: String) -> ActivityRow {
        ActivityRow(
            href: href, name: summary.metadata?.name ?? activity.summaryID,
            sport: ActivityTypeNames.name(summary.metadata?.type),
            start: WebFormat.dateTime(activity.startTime, offsetSeconds: activity.utcOffsetSeconds),
            duration: WebFormat.duration(summary.durationSeconds),
            distance: WebFormat.kilometres(summary.distanceMeters),
            averageHeartRate: WebFormat.number(summary.averageHeartRate, "bpm"),
            averagePower: WebFormat.number(summary.averagePower, "W"))
    }

    /// Totals per week (Monday, UTC), newest first.
    static func weeks(_ activities: [(StoredActivity, StoredSummary)]) -> [WeekTotal] {
        let week = 7 * WebFormat.dayMicroseconds
        // 1970-01-01 was a Thursday: the first Monday is 4 days later.
        let monday = 4 * WebFormat.dayMicroseconds
        var totals: [Int64: (count: Int, seconds: Double, meters: Double)] = [:]
        for (activity, summary) in activities {
            let start = (activity.startTime - monday).quotientRoundingDown(week) * week + monday
            var total = totals[start, default: (0, 0, 0)]
            total.count += 1
            total.seconds += summary.durationSeconds ?? 0
            total.meters += summary.distanceMeters ?? 0
            totals[start] = total
        }
        return totals.keys.sorted(by: >).map { start in
            let total = totals[start]!
            return WeekTotal(
                week: WebFormat.day(start), activities: total.count, duration: WebFormat.duration(total.seconds),
                distance: WebFormat.kilometres(total.meters))
        }
    }

    static func query(_ items: [String: String?]) -> String {
        items.keys.sorted().compactMap { key in
            items[key]!.map { key + "=" + ($0.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "") }
        }.joined(separator: "&")
    }

    /// A path segment as sent (the router leaves it percent-encoded), for ids with any characters.
    static func escapePath(_ segment: String) -> String {
        segment.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/"])) ?? segment
    }
}

extension Int64 {
    fileprivate func quotientRoundingDown(_ divisor: Int64) -> Int64 {
        let q = self / divisor
        return self % divisor < 0 ? q - 1 : q
    }
}
