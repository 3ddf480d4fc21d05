import HummingbirdCore
import HummingbirdWebSocket
import Logging
import NIOCore
import NIOHTTP1

/// Lets the simulator refuse a WebSocket upgrade the way TikTok does: an ordinary HTTP 200 carrying
/// `handshake-status` / `handshake-msg`, not a 400.
///
/// Hummingbird answers every refused upgrade with 400 itself, so a refused request must not look like an upgrade by
/// the time it reaches the upgrade handler. This channel wraps Hummingbird's upgrade channel and puts a one-shot
/// handler right after the HTTP decoder: when `shouldRefuse` says so, it strips the request's `Upgrade` header and
/// the request is routed like any GET (the simulator's route then answers 200 with the handshake headers).
struct HandshakeGateChannel: ServerChildChannel {
    typealias Value = HTTP1WebSocketUpgradeChannel.Value

    let inner: HTTP1WebSocketUpgradeChannel
    let shouldRefuse: @Sendable (HTTPRequestHead) -> Bool

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        self.inner.setup(channel: channel, logger: logger).flatMapThrowing { value in
            let operations = channel.pipeline.syncOperations
            let decoder = try operations.handler(type: ByteToMessageHandler<HTTPRequestDecoder>.self)
            try operations.addHandler(HandshakeGate(shouldRefuse: self.shouldRefuse), position: .after(decoder))
            return value
        }
    }

    func handle(value: Value, logger: Logger) async {
        await self.inner.handle(value: value, logger: logger)
    }
}

/// Inspects the first request head on a connection, hides its upgrade request when it must be refused, then leaves.
private final class HandshakeGate: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart

    private let shouldRefuse: @Sendable (HTTPRequestHead) -> Bool

    init(shouldRefuse: @escaping @Sendable (HTTPRequestHead) -> Bool) {
        self.shouldRefuse = shouldRefuse
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .head(var head) = Self.unwrapInboundIn(data) else {
            context.fireChannelRead(data)
            return
        }
        if head.headers.contains(name: "upgrade"), self.shouldRefuse(head) {
            head.headers.remove(name: "upgrade")
            head.headers.replaceOrAdd(name: "connection", value: "keep-alive")
        }
        context.fireChannelRead(Self.wrapInboundOut(.head(head)))
        // Only the first request of a connection can be an upgrade; after it this handler must not see frames.
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }
}
