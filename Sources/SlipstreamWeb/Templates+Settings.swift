// The developer's settings: data scopes (which events, Activity groups and samples they receive).

/// One checkbox: its form field, its words, whether it is ticked.
public struct Choice: Sendable {
    public var field: String
    public var name: String
    public var checked: Bool

    public init(field: String, name: String, checked: Bool) {
        self.field = field
        self.name = name
        self.checked = checked
    }
}

public struct SettingsPage: Sendable {
    public var session: SessionBar
    public var notice: String?
    public var events: [Choice]
    public var data: [Choice]
    public var samples: [Choice]
    public var slipstream: Choice

    public init(
        session: SessionBar, notice: String?, events: [Choice], data: [Choice], samples: [Choice], slipstream: Choice
    ) {
        self.session = session
        self.notice = notice
        self.events = events
        self.data = data
        self.samples = samples
        self.slipstream = slipstream
    }
}

extension WebPages {
    static let settings = """
        {{<layout}}{{$title}}Data scopes · Slipstream{{/title}}{{$body}}
        <h1>Data scopes</h1>
        {{#notice}}<p class="notice" role="status">{{notice}}</p>{{/notice}}
        <p>What your webhook and <code>GET /v2/activity</code> send. <code>metadata</code> always goes, historical
        answers always go out, and nothing stored is cut: ticking a box again gives the fields back.</p>
        <form method="post" action="/dashboard/settings" class="scopes">
        {{#session}}<input type="hidden" name="csrf" value="{{csrf}}">{{/session}}
        <fieldset><legend>Events sent to the webhook</legend>
        {{#events}}<label><input type="checkbox" name="{{field}}"{{#checked}} checked{{/checked}}> <code>{{name}}</code></label>{{/events}}
        </fieldset>
        <fieldset><legend>Activity groups</legend>
        {{#data}}<label><input type="checkbox" name="{{field}}"{{#checked}} checked{{/checked}}> <code>{{name}}</code></label>{{/data}}
        </fieldset>
        <fieldset><legend>Samples (with their group)</legend>
        {{#samples}}<label><input type="checkbox" name="{{field}}"{{#checked}} checked{{/checked}}> <code>{{name}}</code></label>{{/samples}}
        </fieldset>
        <fieldset><legend>Ours</legend>{{#slipstream}}<label><input type="checkbox" name="{{field}}"{{#checked}} checked{{/checked}}>
        the <code>{{name}}</code> object (sample counts, dropped samples, sources)</label>{{/slipstream}}</fieldset>
        <button>Save</button></form>
        {{/body}}{{/layout}}
        """
}
