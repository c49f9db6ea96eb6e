// What a developer receives (Terra's "data scopes"): which events reach the webhook, which of an
// Activity's top-level groups and which channels' samples are sent, and whether our `slipstream`
// object is. `metadata` is always sent, historical answers always go out, and stored data is never
// cut: the scopes apply as bodies are written, so widening them gives the fields back.

import SlipstreamCore

public struct DataScopes: Sendable, Equatable {
    /// The events a webhook may be sent (`historical` answers always are).
    public static let eventKinds = [
        "activity", "auth", "deauth", "large_request_processing", "large_request_sending", "healthcheck",
    ]
    /// Terra's Activity groups besides `metadata`, and `temperature_data` (Xoss heads' temperature).
    public static let dataGroups = [
        "active_durations_data", "calories_data", "cheat_detection", "data_enrichment", "device_data",
        "distance_data", "energy_data", "heart_rate_data", "lap_data", "MET_data", "movement_data", "oxygen_data",
        "polyline_map_data", "position_data", "power_data", "strain_data", "temperature_data", "TSS_data",
        "work_data",
    ]

    public var events: Set<String>
    public var data: Set<String>
    public var samples: Set<Channel>
    public var slipstream: Bool

    public init(events: Set<String>, data: Set<String>, samples: Set<Channel>, slipstream: Bool) {
        self.events = events
        self.data = data
        self.samples = samples
        self.slipstream = slipstream
    }

    /// What a new developer has: everything.
    public static let everything = DataScopes(
        events: Set(eventKinds), data: Set(dataGroups), samples: Set(Channel.allCases), slipstream: true)

    public func sends(event kind: String) -> Bool { kind == "historical" || events.contains(kind) }

    /// Whether an Activity's top-level member `key` is sent.
    public func sends(member key: String) -> Bool {
        key == "metadata" || (key == "slipstream" ? slipstream : data.contains(key))
    }

    /// A channel's samples go out when they are in scope and so is the group that holds them.
    public func sends(samplesOf channel: Channel) -> Bool {
        samples.contains(channel) && sends(member: "\(channel.schema.container[0])")
    }

    /// Everything and nothing cut: bodies are written as stored.
    public var isEverything: Bool { self == .everything }

    // MARK: Stored as one line of text

    /// `events=a,b;data=c,d;samples=e,f;slipstream=1`, names in their lists' order.
    public var text: String {
        let events = Self.eventKinds.filter(events.contains).joined(separator: ",")
        let data = Self.dataGroups.filter(data.contains).joined(separator: ",")
        let samples = Channel.allCases.filter(samples.contains).map(\.name).joined(separator: ",")
        return "events=\(events);data=\(data);samples=\(samples);slipstream=\(slipstream ? 1 : 0)"
    }

    /// The scopes `text` spells; everything for nil (a developer who never set any). Unknown names
    /// are dropped: what a later version adds is off until set.
    public init(text: String?) {
        guard let text else {
            self = .everything
            return
        }
        var fields: [String: [String]] = [:]
        for part in text.split(separator: ";") {
            let pair = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard pair.count == 2 else { continue }
            fields[String(pair[0])] = pair[1].split(separator: ",").map(String.init)
        }
        events = Set(fields["events", default: []].filter(Self.eventKinds.contains))
        data = Set(fields["data", default: []].filter(Self.dataGroups.contains))
        samples = Set(fields["samples", default: []].compactMap { name in Channel.allCases.first { $0.name == name } })
        slipstream = fields["slipstream"] == ["1"]
    }
}
