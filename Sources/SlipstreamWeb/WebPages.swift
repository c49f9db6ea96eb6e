// The web face's pages: Mustache templates compiled into the binary (no files to install), each
// page rendered from its model. `{{…}}` escapes for HTML; only the pictures' SVG goes in as it is.

import Mustache

/// Renders the pages of the dashboard and the connect page.
public struct WebPages: Sendable {
    private let library: MustacheLibrary

    public init() {
        var library = MustacheLibrary()
        let templates = [
            "layout": Self.layout, "signIn": Self.signIn, "users": Self.users, "user": Self.user, "ride": Self.ride,
            "values": Self.values, "deliveries": Self.deliveries, "message": Self.message, "connect": Self.connect,
            "settings": Self.settings,
        ]
        for (name, text) in templates {
            // The templates are ours: one that does not parse is a bug the tests catch.
            try! library.register(text, named: name)
        }
        self.library = library
    }

    public func render(_ page: SignInPage) -> String { render(page, "signIn") }
    public func render(_ page: UsersPage) -> String { render(page, "users") }
    public func render(_ page: UserPage) -> String { render(page, "user") }
    public func render(_ page: RidePage) -> String { render(page, "ride") }
    public func render(_ page: ValuesPage) -> String { render(page, "values") }
    public func render(_ page: DeliveriesPage) -> String { render(page, "deliveries") }
    public func render(_ page: MessagePage) -> String { render(page, "message") }
    public func render(_ page: ConnectPage) -> String { render(page, "connect") }
    public func render(_ page: SettingsPage) -> String { render(page, "settings") }

    private func render(_ page: Any, _ template: String) -> String {
        library.render(page, withTemplate: template) ?? ""
    }
}
