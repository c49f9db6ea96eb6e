// What a ride's page, its tables of values, the deliveries and the connect page show.

/// A summary value under its Terra field name.
public struct SummaryCard: Sendable {
    public var label: String
    public var field: String
    public var value: String

    public init(label: String, field: String, value: String) {
        self.label = label
        self.field = field
        self.value = value
    }
}

/// A picture (an `<svg>` made by SlipstreamPictures, inserted as it is) and where its values are.
public struct PictureView: Sendable {
    public var label: String
    public var svg: String
    public var tableHref: String

    public init(label: String, svg: String, tableHref: String) {
        self.label = label
        self.svg = svg
        self.tableHref = tableHref
    }
}

public struct RidePage: Sendable {
    public var session: SessionBar
    public var userID: String
    public var name: String
    public var subtitle: String
    public var cards: [SummaryCard]
    public var pictures: [PictureView]
    /// The time-in-zones bar, an `<svg>`; nil without zones.
    public var zones: String?
    public var jsonHref: String
    public var csvHref: String
    public var back: String

    public init(
        session: SessionBar, userID: String, name: String, subtitle: String, cards: [SummaryCard],
        pictures: [PictureView], zones: String?, jsonHref: String, csvHref: String, back: String
    ) {
        self.session = session
        self.userID = userID
        self.name = name
        self.subtitle = subtitle
        self.cards = cards
        self.pictures = pictures
        self.zones = zones
        self.jsonHref = jsonHref
        self.csvHref = csvHref
        self.back = back
    }
}

/// The values a picture plots, as a table.
public struct ValuesPage: Sendable {
    public var session: SessionBar
    public var title: String
    public var columns: [String]
    public var rows: [[String]]
    public var back: String

    public init(session: SessionBar, title: String, columns: [String], rows: [[String]], back: String) {
        self.session = session
        self.title = title
        self.columns = columns
        self.rows = rows
        self.back = back
    }
}

public struct MessageRow: Sendable {
    public var href: String
    public var id: String
    public var kind: String
    public var userID: String
    public var status: String
    public var attempts: Int
    public var lastResult: String
    public var nextTry: String
    public var failed: Bool

    public init(
        href: String, id: String, kind: String, userID: String, status: String, attempts: Int, lastResult: String,
        nextTry: String, failed: Bool
    ) {
        self.href = href
        self.id = id
        self.kind = kind
        self.userID = userID
        self.status = status
        self.attempts = attempts
        self.lastResult = lastResult
        self.nextTry = nextTry
        self.failed = failed
    }
}

public struct DeliveriesPage: Sendable {
    public var session: SessionBar
    public var webhookURL: String
    public var disabled: String?
    public var notice: String?
    public var messages: [MessageRow]
    public var failedCount: Int

    public init(
        session: SessionBar, webhookURL: String, disabled: String?, notice: String?, messages: [MessageRow],
        failedCount: Int
    ) {
        self.session = session
        self.webhookURL = webhookURL
        self.disabled = disabled
        self.notice = notice
        self.messages = messages
        self.failedCount = failedCount
    }
}

public struct MessagePage: Sendable {
    public var session: SessionBar
    public var message: MessageRow
    public var body: String

    public init(session: SessionBar, message: MessageRow, body: String) {
        self.session = session
        self.message = message
        self.body = body
    }
}

/// An end user's page: upload rides from the head unit, see those already here.
public struct ConnectPage: Sendable {
    public var developerName: String
    public var uploadURL: String
    public var rides: [ActivityRow]
    /// What the last upload without script said, one line a file.
    public var outcomes: [String]

    public init(developerName: String, uploadURL: String, rides: [ActivityRow], outcomes: [String] = []) {
        self.developerName = developerName
        self.uploadURL = uploadURL
        self.rides = rides
        self.outcomes = outcomes
    }
}
