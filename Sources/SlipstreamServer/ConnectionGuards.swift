// What a hostile or broken client cannot do to `serve`: hold a connection with a request head that
// trickles in (closed, 408, after --header-timeout), or with a body that trickles in (closed when
// less than 1 KiB arrives in 10 s), open more connections than --max-connections (503 at once,
// before any parsing), or send a head over --max-header-bytes (431). Hummingbird's HTTP/1 channel
// does the rest; this wraps it: a byte counter before its codec, a phase watch after it.

import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import SlipstreamCore

/// The limits, and the count of open connections they share.
struct ConnectionLimits: Sendable {
    var maxConnections: Int
    var headerTimeout: TimeAmount
    /// A body must bring at least this many bytes in each `bodyWindow`.
    var bodyMinimumBytes = 1024
    var bodyWindow: TimeAmount = .seconds(10)
    var maxHeaderBytes: Int
    let open = Locked(0)
}

/// Hummingbird's HTTP/1 channel behind the guards.
struct GuardedHTTP1Channel: ServerChildChannel {
    typealias Value = HTTP1Channel.Value
    let responder: HTTPChannelHandler.Responder
    let configuration: HTTP1Channel.Configuration
    let limits: ConnectionLimits
    /// Handlers of the application's own, after the codec (Expect: 100-continue).
    let handlers: @Sendable () -> [any RemovableChannelHandler]

    func setup(channel: any NIOCore.Channel, logger: Logger) -> EventLoopFuture<Value> {
        let limits = self.limits
        let admitted = limits.open.withLock { open in
            guard open < limits.maxConnections else { return false }
            open += 1
            return true
        }
        if admitted {
            channel.closeFuture.whenComplete { _ in limits.open.withLock { $0 -= 1 } }
        }
        let watch = ConnectionWatch(limits: limits)
        do {
            // One too many: answered 503 as it opens, and closed; nothing it sends is parsed.
            try channel.pipeline.syncOperations.addHandler(
                admitted ? RawBytesWatch(watch: watch) as any ChannelHandler : RefuseConnection())
        } catch {
            return channel.eventLoop.makeFailedFuture(error)
        }
        var configuration = self.configuration
        let handlers = self.handlers
        let bound = NIOLoopBound(watch, eventLoop: channel.eventLoop)
        configuration.additionalChannelHandlers = { [RequestPhaseWatch(watch: bound.value)] + handlers() }
        return HTTP1Channel(responder: responder, configuration: configuration).setup(channel: channel, logger: logger)
    }

    func handle(value: Value, logger: Logger) async {
        await HTTP1Channel(responder: responder, configuration: configuration).handle(value: value, logger: logger)
    }
}

/// A connection past --max-connections: 503 as soon as it is active, then closed.
final class RefuseConnection: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { refuse(context) }
    }

    func channelActive(context: ChannelHandlerContext) { refuse(context) }

    private func refuse(_ context: ChannelHandlerContext) {
        let refusal =
            "HTTP/1.1 503 Service Unavailable\r\nretry-after: 1\r\nconnection: close\r\ncontent-length: 0\r\n\r\n"
        context.writeAndFlush(NIOAny(context.channel.allocator.buffer(string: refusal))).whenComplete { _ in
            context.close(promise: nil)
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {}  // nothing of it is read
}

/// One connection's phase and its bytes, seen from both sides of the codec (one event loop).
final class ConnectionWatch {
    enum Phase { case betweenRequests, head(since: NIODeadline), body }
    let limits: ConnectionLimits
    var phase = Phase.betweenRequests
    var bytesThisWindow = 0
    var windowStart = NIODeadline.now()
    /// The application asked for more bytes and has not had them yet: a body's rate is judged only
    /// then (while it does not read, as when its buffer is full, the client is not slow).
    var readRequested = false
    /// A response is being written: guard bytes must not land inside it.
    var responding = false
    /// The raw side's context: what the guards write goes out as bytes, past the codec.
    var raw: ChannelHandlerContext?

    init(limits: ConnectionLimits) { self.limits = limits }

    func bytesArrived(_ count: Int) {
        bytesThisWindow += count
        if case .betweenRequests = phase { phase = .head(since: .now()) }
    }

    /// Called every second: the deadline passed, or nil.
    func overdue(now: NIODeadline) -> String? {
        switch phase {
        case .betweenRequests:
            return nil
        case .head(let since):
            return now - since > limits.headerTimeout ? "HTTP/1.1 408 Request Timeout" : nil
        case .body:
            guard readRequested else {
                windowStart = now
                bytesThisWindow = 0
                return nil
            }
            guard now - windowStart >= limits.bodyWindow else { return nil }
            defer {
                windowStart = now
                bytesThisWindow = 0
            }
            return bytesThisWindow < limits.bodyMinimumBytes ? "" : nil
        }
    }

    /// Writes `status` (a raw status line; "" writes nothing, as does a response in flight) and
    /// closes the connection once it is written.
    func refuse(_ status: String) {
        guard let raw else { return }
        guard !status.isEmpty, !responding else {
            raw.close(promise: nil)
            return
        }
        let response = status + "\r\nconnection: close\r\ncontent-length: 0\r\n\r\n"
        raw.writeAndFlush(NIOAny(raw.channel.allocator.buffer(string: response))).whenComplete { _ in
            raw.close(promise: nil)
        }
    }
}

/// Before the codec: counts the bytes that arrive (and whether the application asked for them), and
/// checks the deadlines every second.
final class RawBytesWatch: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
    let watch: ConnectionWatch
    private var timer: RepeatedTask?

    init(watch: ConnectionWatch) { self.watch = watch }

    func handlerAdded(context: ChannelHandlerContext) {
        watch.raw = context
        let bound = NIOLoopBound(watch, eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleRepeatedTask(initialDelay: .seconds(1), delay: .seconds(1)) { _ in
            if let status = bound.value.overdue(now: .now()) { bound.value.refuse(status) }
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        watch.raw = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        watch.bytesArrived(unwrapInboundIn(data).readableBytes)
        context.fireChannelRead(data)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        watch.readRequested = false
        context.fireChannelReadComplete()
    }

    func read(context: ChannelHandlerContext) {
        watch.readRequested = true
        context.read()
    }
}

/// After the codec: where the current request is (head, body, done), whether a response is being
/// written; a head too large is 431.
final class RequestPhaseWatch: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart
    let watch: ConnectionWatch

    init(watch: ConnectionWatch) { self.watch = watch }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            watch.phase = .body
            watch.windowStart = .now()
            watch.bytesThisWindow = 0
        case .body: break
        case .end: watch.phase = .betweenRequests
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(let response) where response.status.kind != .informational: watch.responding = true
        case .end: watch.responding = false
        default: break
        }
        context.write(data, promise: promise)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let parser = error as? HTTPParserError, parser == .headerOverflow {
            watch.refuse("HTTP/1.1 431 Request Header Fields Too Large")
            return
        }
        context.fireErrorCaught(error)
    }
}
