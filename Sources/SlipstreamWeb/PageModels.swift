// What each page shows, as plain values the templates read (by name, through reflection). Every
// string here is the data's own text: the templates escape it.

/// Signed in: who, and the token each form carries.
public struct SessionBar: Sendable {
    public var developerID: String
    public var developerName: String
    public var csrf: String

    public init(developerID: String, developerName: String, csrf: String) {
        self.developerID = developerID
        self.developerName = developerName
        self.csrf = csrf
    }
}

/// A link or a form's target, with its words.
public struct Link: Sendable {
    public var href: String
    public var text: String

    public init(href: String, text: String) {
        self.href = href
        self.text = text
    }
}

public struct SignInPage: Sendable {
    public var developerID: String
    public var error: String?

    public init(developerID: String = "", error: String? = nil) {
        self.developerID = developerID
        self.error = error
    }
}

public struct UserRow: Sendable {
    public var href: String
    public var userID: String
    public var referenceID: String
    public var provider: String
    public var created: String
    public var lastActivity: String
    public var activityCount: Int

    public init(
        href: String, userID: String, referenceID: String, provider: String, created: String, lastActivity: String,
        activityCount: Int
    ) {
        self.href = href
        self.userID = userID
        self.referenceID = referenceID
        self.provider = provider
        self.created = created
        self.lastActivity = lastActivity
        self.activityCount = activityCount
    }
}

public struct UsersPage: Sendable {
    public var session: SessionBar
    public var query: String
    public var total: Int
    public var users: [UserRow]
    public var range: String
    public var previous: Link?
    public var next: Link?

    public init(
        session: SessionBar, query: String, total: Int, users: [UserRow], range: String, previous: Link?, next: Link?
    ) {
        self.session = session
        self.query = query
        self.total = total
        self.users = users
        self.range = range
        self.previous = previous
        self.next = next
    }
}

public struct ActivityRow: Sendable {
    public var href: String
    public var name: String
    public var sport: String
    public var start: String
    public var duration: String
    public var distance: String
    public var averageHeartRate: String
    public var averagePower: String

    public init(
        href: String, name: String, sport: String, start: String, duration: String, distance: String,
        averageHeartRate: String, averagePower: String
    ) {
        self.href = href
        self.name = name
        self.sport = sport
        self.start = start
        self.duration = duration
        self.distance = distance
        self.averageHeartRate = averageHeartRate
        self.averagePower = averagePower
    }
}

/// One week of a user's history: how much they rode.
public struct WeekTotal: Sendable {
    public var week: String
    public var activities: Int
    public var duration: String
    public var distance: String

    public init(week: String, activities: Int, duration: String, distance: String) {
        self.week = week
        self.activities = activities
        self.duration = duration
        self.distance = distance
    }
}

public struct UserPage: Sendable {
    public var session: SessionBar
    public var userID: String
    public var referenceID: String
    public var from: String
    public var to: String
    public var activities: [ActivityRow]
    public var weeks: [WeekTotal]
    public var connectLink: String
    public var more: Link?

    public init(
        session: SessionBar, userID: String, referenceID: String, from: String, to: String, activities: [ActivityRow],
        weeks: [WeekTotal], connectLink: String, more: Link?
    ) {
        self.session = session
        self.userID = userID
        self.referenceID = referenceID
        self.from = from
        self.to = to
        self.activities = activities
        self.weeks = weeks
        self.connectLink = connectLink
        self.more = more
    }
}
