// The web face's tokens: a session, its CSRF token and a connect link hold only under the key of
// the developer's current API key, and not once expired or changed in any part.

import Crypto
import Foundation
import SlipstreamSecrets
import Testing

@Suite struct WebTokensTests {
    let hash = Credentials.hash(apiKey: "key-one")
    var tokens: WebTokens { WebTokens(apiKeyHash: hash) }

    @Test func aSessionHoldsUntilItExpires() throws {
        let token = tokens.session(developerID: "lab-1a2b", expires: 1000)
        let claim = try #require(WebTokens.sessionClaim(token))
        #expect(claim.developerID == "lab-1a2b" && claim.expires == 1000)
        #expect(tokens.verifySession(token, now: 999))
        #expect(!tokens.verifySession(token, now: 1000))
        // Another key (the API key replaced), another developer, a later expiry: all refused.
        #expect(!WebTokens(apiKeyHash: Credentials.hash(apiKey: "key-two")).verifySession(token, now: 0))
        let parts = token.split(separator: ".").map(String.init)
        #expect(!tokens.verifySession("lab-9999.1000." + parts[2], now: 0))
        #expect(!tokens.verifySession("lab-1a2b.5000." + parts[2], now: 0))
        #expect(WebTokens.sessionClaim("no dots") == nil)
    }

    @Test func theMACIsHMACSHA256OfTheFieldsUnderTheDerivedKey() {
        // Computed here with swift-crypto directly: key = HMAC(hash, "slipstream web tokens v1").
        let key = SymmetricKey(
            data: Data(
                HMAC<SHA256>.authenticationCode(
                    for: Data("slipstream web tokens v1".utf8), using: SymmetricKey(data: hash))))
        let mac = HMAC<SHA256>.authenticationCode(for: Data("session\nlab-1a2b\n1000".utf8), using: key)
        let expected = Data(mac).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        #expect(tokens.session(developerID: "lab-1a2b", expires: 1000) == "lab-1a2b.1000." + expected)
    }

    @Test func csrfTokensBelongToTheirSession() {
        let one = tokens.session(developerID: "lab-1a2b", expires: 1000)
        let two = tokens.session(developerID: "lab-1a2b", expires: 2000)
        #expect(tokens.verifyCSRF(tokens.csrf(session: one), session: one))
        #expect(!tokens.verifyCSRF(tokens.csrf(session: one), session: two))
        #expect(!tokens.verifyCSRF("", session: one))
    }

    @Test func aConnectLinkNamesItsUserAndExpiry() {
        let signature = tokens.connect(developerID: "lab-1a2b", userID: "u1", expires: 500)
        #expect(tokens.verifyConnect(signature, developerID: "lab-1a2b", userID: "u1", expires: 500))
        #expect(!tokens.verifyConnect(signature, developerID: "lab-1a2b", userID: "u2", expires: 500))
        #expect(!tokens.verifyConnect(signature, developerID: "lab-1a2b", userID: "u1", expires: 501))
        #expect(signature != tokens.session(developerID: "lab-1a2b", expires: 500).split(separator: ".")[2])
    }
}
