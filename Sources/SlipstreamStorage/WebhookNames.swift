// The webhook names people type, read one way by the CLI and the dashboard: a message's `webhook-id`
// (`msg_N`, or just N) and an endpoint's URL.

import Foundation

public enum WebhookNames {
    /// The outbox row `msg_N` (or `N`) names; nil for anything else.
    public static func messageNumber(_ text: String) -> Int64? {
        Int64(text.hasPrefix("msg_") ? String(text.dropFirst(4)) : text)
    }

    /// Whether `text` can be delivered to: an http or https URL with a host.
    public static func isEndpoint(_ text: String) -> Bool {
        guard let url = URLComponents(string: text) else { return false }
        return ["http", "https"].contains(url.scheme?.lowercased() ?? "") && url.host?.isEmpty == false
    }
}
