// The developer's data scopes in the dashboard: GET shows them as checkboxes, POST saves them.
//
//     GET/POST /dashboard/settings

import Hummingbird
import SlipstreamCore
import SlipstreamStorage
import SlipstreamWeb

struct SettingsController: Sendable {
    let storage: any Storage
    let session: WebSession
    let pages: WebPages

    func addRoutes(to router: Router<BasicRequestContext>) {
        let web = router.group("dashboard").add(middleware: WebErrorPages(session: session))
        web.get("settings") { request, _ in
            let signedIn = try await session.require(request)
            return session.html(pages.render(page(signedIn, signedIn.developer.scopes, notice: nil)))
        }
        web.post("settings") { request, _ in
            let (signedIn, form) = try await session.requireForm(request)
            let scopes = Self.scopes(form)
            guard try await storage.replaceScopes(developerID: signedIn.developer.id, scopes: scopes) else {
                throw Problem.notFound("no developer \(signedIn.developer.id)")
            }
            return session.html(pages.render(page(signedIn, scopes, notice: "Saved: what is sent from now on.")))
        }
    }

    /// The scopes a posted form ticks: `event.NAME`, `data.NAME`, `samples.NAME`, `slipstream`.
    static func scopes(_ form: [String: String]) -> DataScopes {
        DataScopes(
            events: Set(DataScopes.eventKinds.filter { form["event.\($0)"] != nil }),
            data: Set(DataScopes.dataGroups.filter { form["data.\($0)"] != nil }),
            samples: Set(Channel.allCases.filter { form["samples.\($0.name)"] != nil }),
            slipstream: form["slipstream"] != nil)
    }

    private func page(_ signedIn: SignedIn, _ scopes: DataScopes, notice: String?) -> SettingsPage {
        SettingsPage(
            session: signedIn.bar, notice: notice,
            events: DataScopes.eventKinds.map {
                Choice(field: "event.\($0)", name: $0, checked: scopes.events.contains($0))
            },
            data: DataScopes.dataGroups.map {
                Choice(field: "data.\($0)", name: $0, checked: scopes.data.contains($0))
            },
            samples: Channel.allCases.map {
                Choice(field: "samples.\($0.name)", name: $0.name, checked: scopes.samples.contains($0))
            },
            slipstream: Choice(field: "slipstream", name: "slipstream", checked: scopes.slipstream))
    }
}
