import CurlTransport
import Foundation
import Logging
import NIOCore
import NIOExtras
import NIOHTTP1
import NIOPosix
import NIOSOCKS
import NIOSSL
import NIOWebSocket
@_spi(WSInternal) import WSCore

/// Opens TikTok's push WebSocket: TCP (optionally through an HTTP or SOCKS5 proxy), TLS for `wss`, the HTTP upgrade,
/// then frames handled by swift-websocket.
///
/// Unlike a generic client it keeps the upgrade response: `Handshake-Options` on success, and on a refusal (TikTok
/// answers HTTP 200 with `handshake-status` / `handshake-msg`) a ``TikTokLiveError/handshakeRejected(httpStatus:handshakeStatus:message:)``.
/// No WebSocket-level pings are sent (TikTok never answers them).
enum WebcastSocket {
    /// The server's answer to a successful upgrade.
    struct Handshake: Sendable {
        /// Every response header, in order.
        var headers: [(name: String, value: String)]

        /// The first value of header `name` (case-insensitive).
        func value(_ name: String) -> String? {
            self.headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
        }

        /// `ping-interval` from `Handshake-Options` (a cookie-style `k=v; k=v` string), in seconds.
        var pingInterval: Duration? {
            guard let options = self.value("Handshake-Options") else { return nil }
            for pair in options.split(separator: ";") {
                let parts = pair.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                if parts.count == 2, parts[0] == "ping-interval", let seconds = Double(parts[1]), seconds > 0 {
                    return .milliseconds(Int64(seconds * 1000))
                }
            }
            return nil
        }
    }

    typealias Handler = @Sendable (WebSocketInboundStream, WebSocketOutboundWriter, Handshake) async throws -> Void

    private enum UpgradeOutcome: Sendable {
        case upgraded(NIOAsyncChannel<WebSocketFrame, WebSocketFrame>, Handshake)
        case refused(NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>)
    }

    private struct Context: WebSocketContext {
        let logger: Logger
    }

    /// Connects to `url` (`ws://` or `wss://`) with `headers`, runs `handler` while the socket is open, and returns when
    /// the socket closes.
    /// - Throws: ``TikTokLiveError/handshakeRejected(httpStatus:handshakeStatus:message:)`` when TikTok refuses the upgrade,
    ///   ``TikTokLiveError/webSocket(reason:)`` when the connection or the proxy tunnel fails; whatever `handler` throws.
    static func connect(
        url: String,
        headers: [(name: String, value: String)],
        proxy: ProxyEndpoint?,
        connectTimeout: Duration = .seconds(20),
        maxFrameSize: Int = 1 << 24,
        logger: Logger,
        handler: @escaping Handler
    ) async throws {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
            scheme == "ws" || scheme == "wss", let host = components.host, !host.isEmpty
        else {
            throw TikTokLiveError.webSocket(
                reason: "push server URL '\(CurlError.redact(url))' is not a ws:// or wss:// URL")
        }
        let secure = scheme == "wss"
        let port = components.port ?? (secure ? 443 : 80)
        let target = Target(
            host: host, port: port, secure: secure,
            pathAndQuery: (components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath)
                + (components.percentEncodedQuery.map { "?" + $0 } ?? ""),
            headers: headers, maxFrameSize: maxFrameSize, proxy: proxy
        )

        let outcome: UpgradeOutcome
        do {
            let future = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(.milliseconds(connectTimeout.wholeMilliseconds))
                .connect(host: proxy?.host ?? host, port: proxy?.port ?? port) { channel in
                    channel.eventLoop.makeCompletedFuture { try target.configure(channel) }
                }
            outcome = try await future.get()
        } catch let error as TikTokLiveError {
            throw error
        } catch {
            let via = proxy.map { " through proxy \($0)" } ?? ""
            throw TikTokLiveError.webSocket(reason: "could not connect to \(host):\(port)\(via): \(error)")
        }

        switch outcome {
        case .upgraded(let channel, let handshake):
            _ = try await WebSocketHandler.handle(
                type: .client,
                configuration: .init(
                    extensions: [], autoPing: .disabled, closeTimeout: .seconds(5), validateUTF8: false, maxFrameSize: maxFrameSize
                ),
                asyncChannel: channel,
                context: Context(logger: logger),
                handler: { inbound, outbound, _ in try await handler(inbound, outbound, handshake) }
            )
        case .refused(let channel):
            let head = try await channel.executeThenClose { inbound, _ -> HTTPResponseHead? in
                for try await part in inbound {
                    if case .head(let head) = part { return head }
                }
                return nil
            }
            guard let head else { throw TikTokLiveError.webSocket(reason: "the push server closed the connection during the upgrade") }
            let status = head.headers["handshake-status"].first ?? ""
            let message = head.headers["handshake-msg"].first ?? ""
            if !status.isEmpty || !message.isEmpty || head.status == .ok || head.status == .badRequest {
                throw TikTokLiveError.handshakeRejected(
                    httpStatus: Int(head.status.code), handshakeStatus: status.isEmpty ? "none" : status, message: message
                )
            }
            throw TikTokLiveError.webSocket(reason: "the push server refused the upgrade with HTTP \(head.status.code)")
        }
    }

    /// Everything the channel initializer needs, captured once.
    private struct Target: Sendable {
        var host: String
        var port: Int
        var secure: Bool
        var pathAndQuery: String
        var headers: [(name: String, value: String)]
        var maxFrameSize: Int
        var proxy: ProxyEndpoint?

        /// Adds the proxy tunnel (if any); once it is open, TLS and the HTTP upgrade.
        func configure(_ channel: any Channel) throws -> EventLoopFuture<UpgradeOutcome> {
            guard let proxy = self.proxy else { return try self.configureUpgrade(channel) }
            let tunnel = channel.eventLoop.makePromise(of: Void.self)
            let deadline = NIODeadline.now() + .seconds(20)
            let operations = channel.pipeline.syncOperations
            switch proxy.kind {
            case .httpConnect:
                try operations.addHandler(HTTPRequestEncoder(), name: "proxy-request-encoder")
                try operations.addHandler(
                    ByteToMessageHandler(HTTPResponseDecoder(leftOverBytesStrategy: .forwardBytes)), name: "proxy-response-decoder")
                try operations.addHandler(
                    NIOHTTP1ProxyConnectHandler(
                        targetHost: self.host, targetPort: self.port, headers: [:], deadline: deadline, promise: tunnel)
                )
                return tunnel.futureResult.flatMap {
                    channel.pipeline.removeHandler(name: "proxy-request-encoder")
                }.flatMap {
                    channel.pipeline.removeHandler(name: "proxy-response-decoder")
                }.flatMapThrowing {
                    try self.configureUpgrade(channel)
                }.flatMap { $0 }
            case .socks5:
                try operations.addHandler(SOCKSClientHandler(targetAddress: .domain(self.host, port: self.port)))
                try operations.addHandler(SOCKSEstablishedWaiter(promise: tunnel), name: "socks-waiter")
                let timeout = channel.eventLoop.scheduleTask(deadline: deadline) {
                    tunnel.fail(TikTokLiveError.webSocket(reason: "SOCKS5 proxy \(proxy) did not open the tunnel in time"))
                }
                return tunnel.futureResult.always { _ in timeout.cancel() }.flatMapThrowing {
                    try self.configureUpgrade(channel)
                }.flatMap { $0 }
            }
        }

        private func configureUpgrade(_ channel: any Channel) throws -> EventLoopFuture<UpgradeOutcome> {
            let operations = channel.pipeline.syncOperations
            if self.secure {
                let context = try NIOSSLContext(configuration: .makeClientConfiguration())
                try operations.addHandler(NIOSSLClientHandler(context: context, serverHostname: self.host), position: .first)
            }
            let upgrader = NIOTypedWebSocketClientUpgrader<UpgradeOutcome>(
                maxFrameSize: self.maxFrameSize,
                upgradePipelineHandler: { channel, head in
                    channel.eventLoop.makeCompletedFuture {
                        let handshake = Handshake(headers: head.headers.map { (name: $0.name, value: $0.value) })
                        return .upgraded(try NIOAsyncChannel(wrappingChannelSynchronously: channel), handshake)
                    }
                }
            )
            var headers = HTTPHeaders()
            let defaultPort = self.secure ? 443 : 80
            headers.add(name: "Host", value: self.port == defaultPort ? self.host : "\(self.host):\(self.port)")
            for (name, value) in self.headers { headers.add(name: name, value: value) }
            let configuration = NIOTypedHTTPClientUpgradeConfiguration(
                upgradeRequestHead: HTTPRequestHead(version: .http1_1, method: .GET, uri: self.pathAndQuery, headers: headers),
                upgraders: [upgrader],
                notUpgradingCompletionHandler: { channel in
                    channel.eventLoop.makeCompletedFuture { .refused(try NIOAsyncChannel(wrappingChannelSynchronously: channel)) }
                }
            )
            var pipeline = NIOUpgradableHTTPClientPipelineConfiguration(upgradeConfiguration: configuration)
            pipeline.leftOverBytesStrategy = .forwardBytes
            return try operations.configureUpgradableHTTPClientPipeline(configuration: pipeline)
        }
    }
}

/// Completes a promise when the SOCKS handshake has opened the tunnel, then leaves the pipeline.
private final class SOCKSEstablishedWaiter: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    private let promise: EventLoopPromise<Void>

    init(promise: EventLoopPromise<Void>) {
        self.promise = promise
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is SOCKSProxyEstablishedEvent {
            self.promise.succeed()
            context.pipeline.syncOperations.removeHandler(self, promise: nil)
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        self.promise.fail(TikTokLiveError.webSocket(reason: "SOCKS5 proxy refused the tunnel: \(error)"))
        context.fireErrorCaught(error)
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.promise.fail(TikTokLiveError.webSocket(reason: "SOCKS5 proxy closed the connection before the tunnel opened"))
        context.fireChannelInactive()
    }
}

extension Duration {
    /// The duration in whole milliseconds.
    var wholeMilliseconds: Int64 {
        let (seconds, attoseconds) = self.components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
