// The pages as rendered: users' strings escaped, only the pictures' SVG inserted as it is, forms that
// carry their CSRF token, no inline script or style (the Content-Security-Policy forbids both).

import Testing

@testable import SlipstreamWeb

@Suite struct WebPagesTests {
    let pages = WebPages()
    let bar = SessionBar(developerID: "lab-1", developerName: "Ride <Lab>", csrf: "tok&en")

    func ride(name: String) -> RidePage {
        RidePage(
            session: bar, userID: "u1", name: name, subtitle: "Biking · 2024-05-04 07:30",
            cards: [SummaryCard(label: "Distance", field: "distance_data.summary.distance_meters", value: "12.30 km")],
            pictures: [
                PictureView(
                    label: "Heart rate", svg: "<svg role=\"img\" aria-label=\"Heart rate\"></svg>",
                    tableHref: "/t?a=1&b=2")
            ], zones: nil, jsonHref: "/j", csvHref: "/c", back: "/dashboard/users/u1")
    }

    @Test func aHostileNameIsText() {
        let html = pages.render(ride(name: "<script>alert(1)</script>"))
        #expect(html.contains("<h1>&lt;script&gt;alert(1)&lt;/script&gt;</h1>"))
        #expect(!html.contains("<script>alert"))
        #expect(html.contains("<title>&lt;script&gt;alert(1)&lt;/script&gt; · Slipstream</title>"))
    }

    @Test func picturesGoInAsTheyAreAndEverythingElseEscaped() {
        let html = pages.render(ride(name: "Morning"))
        #expect(html.contains("<svg role=\"img\" aria-label=\"Heart rate\"></svg>"))
        #expect(html.contains("href=\"/t?a=1&amp;b=2\""))
        #expect(html.contains("Ride &lt;Lab&gt; <code>lab-1</code>"))
        #expect(html.contains("<code>distance_data.summary.distance_meters</code>"))
    }

    @Test func everyFormCarriesItsToken() {
        let rows = [
            MessageRow(
                href: "/m/1", id: "msg_1", kind: "activity", userID: "u1", status: "failed", attempts: 8,
                lastResult: "HTTP 500", nextTry: "—", failed: true),
            MessageRow(
                href: "/m/2", id: "msg_2", kind: "auth", userID: "u2", status: "delivered", attempts: 1,
                lastResult: "HTTP 200", nextTry: "—", failed: false),
        ]
        let html = pages.render(
            DeliveriesPage(
                session: bar, webhookURL: "https://hooks.example/x", disabled: nil, notice: nil, messages: rows,
                failedCount: 1))
        let forms = html.components(separatedBy: "<form method=\"post\"").count - 1
        let tokens = html.components(separatedBy: "name=\"csrf\" value=\"tok&amp;en\"").count - 1
        // Sign out, webhook URL, test event, secret, resend all, and the failed message's resend: not the
        // delivered one's.
        #expect(forms == 6)
        #expect(tokens == 6)
        #expect(html.contains("name=\"url\" type=\"url\" value=\"https://hooks.example/x\""))
        #expect(html.contains("Resend all failed (1)"))
        #expect(html.contains("<tr class=\"failed\">"))
    }

    @Test func noInlineScriptOrStyle() {
        let all = [
            pages.render(SignInPage(developerID: "x\"y", error: "That developer id and API key do not match.")),
            pages.render(
                UsersPage(
                    session: bar, query: "r\"", total: 0, users: [], range: "0", previous: nil,
                    next: Link(href: "/n", text: "Next"))),
            pages.render(ride(name: "x")),
            pages.render(ConnectPage(developerName: "Lab", uploadURL: "/connect/a/b/files?x=1", rides: [])),
        ]
        for html in all {
            #expect(!html.contains(" style="))
            #expect(!html.contains("<style"))
            // Only the upload page has a script, and it is a file of this server.
            for script in html.components(separatedBy: "<script").dropFirst() {
                #expect(script.hasPrefix(" src=\"/static/upload.js\""))
            }
        }
        #expect(all[0].contains("value=\"x&quot;y\""))
        #expect(all[1].contains("value=\"r&quot;\""))
    }

    @Test func theConnectPageWorksWithoutScript() {
        let html = pages.render(
            ConnectPage(
                developerName: "Ride Lab", uploadURL: "/connect/d/u/files?expires=1&sig=s", rides: [],
                outcomes: ["a.fit: stored 1 ride"]))
        #expect(html.contains("action=\"/connect/d/u/files?expires=1&amp;sig=s\" enctype=\"multipart/form-data\""))
        #expect(html.contains("<li>a.fit: stored 1 ride</li>"))
        #expect(html.contains("<h1>Bring your rides to Ride Lab</h1>"))
    }
}
