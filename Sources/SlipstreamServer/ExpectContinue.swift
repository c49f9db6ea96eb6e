// `Expect: 100-continue` (curl sends it with every body over 1 MB, then waits a second for an
// answer): `100 Continue` once the request would be accepted, so that the body follows at once;
// nothing when it would not, so that the route's own 4xx (401, 404, 413 from Content-Length) is
// the answer and the body is never sent. Hummingbird does not answer it; this handler sits between
// the HTTP codec and the application.

import Hummingbird
import HummingbirdCore
import NIOCore
import NIOHTTPTypes
import SlipstreamSecrets

final class ExpectContinueHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// Whether the request, by its head alone, would be accepted.
    private let accepts: @Sendable (HTTPRequest) async -> Bool
    /// The current request's final response has begun: no 100 may follow it.
    private var answered = false
    /// Requests seen on this connection: a verdict that comes late answers only its own request.
    private var requests = 0

    init(accepts: @escaping @Sendable (HTTPRequest) async -> Bool) {
        self.accepts = accepts
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head(let request) = unwrapInboundIn(data) {
            answered = false
            requests += 1
            if request.headerFields[.expect]?.lowercased() == "100-continue" { decide(request, context: context) }
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .head(let response) = unwrapOutboundIn(data), response.status.kind != .informational { answered = true }
        context.write(data, promise: promise)
    }

    private func decide(_ request: HTTPRequest, context: ChannelHandlerContext) {
        let verdict = context.eventLoop.makePromise(of: Bool.self)
        let accepts = self.accepts
        verdict.completeWithTask { await accepts(request) }
        let bound = NIOLoopBound((handler: self, context: context), eventLoop: context.eventLoop)
        let number = requests
        verdict.futureResult.whenSuccess { accepted in
            let (handler, context) = bound.value
            guard accepted, !handler.answered, handler.requests == number else { return }
            context.writeAndFlush(handler.wrapOutboundOut(.head(HTTPResponse(status: .continue))), promise: nil)
        }
    }
}

extension SlipstreamServer {
    /// What the routes would say of a request before reading its body: the body fits, and for
    /// ingest the developer's key and the user hold, for Terra's pushes the developer has a secret.
    func acceptsBody(_ head: HTTPRequest) async -> Bool {
        if let length = head.headerFields[.contentLength].flatMap({ Int($0) }), length > settings.maxBodyBytes {
            return false
        }
        let uri = URI(head.path ?? "/")
        let auth = Authenticator(accounts: storage)
        // A refusal is the route's own (a Problem); a database that cannot tell now lets the
        // route decide once the body is read.
        func holds(_ check: () async throws -> Bool) async -> Bool {
            do { return try await check() } catch is Problem { return false } catch { return true }
        }
        switch (head.method, uri.path) {
        case (.post, "/v2/ingest"):
            return await holds {
                let developer = try await auth.developer(headers: head.headerFields)
                _ = try await auth.requestedUser(uri, of: developer)
                return true
            }
        case (.post, "/v2/auth/authenticateUser"):
            return await holds {
                _ = try await auth.developer(headers: head.headerFields)
                return true
            }
        case (.post, let path) where path.hasPrefix("/webhooks/terra/"):
            let id = String(path.dropFirst("/webhooks/terra/".count))
            return await holds { try await storage.developer(id: id)?.terraSigningSecret != nil }
        case (.post, let path) where path.hasPrefix("/connect/") && path.hasSuffix("/files"):
            // An end user's upload: only under a link that holds now.
            let parts = path.split(separator: "/").map { String($0).removingPercentEncoding ?? String($0) }
            guard parts.count == 4, let expires = uri.queryParameters.get("expires").flatMap({ Int64($0) }),
                let signature = uri.queryParameters.get("sig")
            else { return false }
            return await holds {
                guard let developer = try await storage.developer(id: parts[1]) else { return false }
                return expires > Int64(settings.now().timeIntervalSince1970)
                    && settings.tokens(developer).verifyConnect(
                        signature, developerID: parts[1], userID: parts[2], expires: expires)
            }
        default:
            return false  // no other route takes a body: its answer comes at once
        }
    }
}
