import Logging
import NIOCore
import NIOPosix
import Synchronization

/// A tiny loopback proxy for tests: HTTP `CONNECT`, plain HTTP forwarding of absolute-URI requests
/// (`GET http://host/path`, which libcurl sends to an HTTP proxy for `http://` URLs), and SOCKS5 (no
/// authentication, `CONNECT`, IPv4, IPv6 and domain addresses), all on one port: a connection whose first byte is
/// 5 speaks SOCKS5, any other speaks HTTP.
///
/// Every connection it tunnels is counted per target (``tunnels``, ``connectionCount(to:method:)``), so a test can
/// assert that traffic really went through it. It serves on `127.0.0.1` only, in ``run(port:onListening:)``,
/// until that task is cancelled; then it closes the listener and every open connection and returns.
///
/// ```swift
/// let proxy = LocalProxy(logger: logger)
/// group.addTask { try await proxy.run { port in ports.yield(port) } }
/// // … requests with proxy "http://127.0.0.1:\(port)" or "socks5h://127.0.0.1:\(port)" …
/// #expect(proxy.connectionCount(to: "127.0.0.1:\(serverPort)") == 1)
/// ```
public final class LocalProxy: Sendable {
    /// How a client asked for its tunnel.
    public enum Method: String, Sendable, Hashable, CaseIterable {
        /// `CONNECT host:port HTTP/1.1`.
        case httpConnect = "http-connect"
        /// An absolute-URI request such as `GET http://host:port/path HTTP/1.1`, forwarded in origin form.
        case httpForward = "http-forward"
        /// SOCKS5 `CONNECT`.
        case socks5
    }

    /// One connection the proxy opened to a target on a client's behalf.
    public struct Tunnel: Sendable, Hashable, CustomStringConvertible {
        /// How the client asked for it.
        public var method: Method
        /// The target host exactly as the client named it (an address or a domain name).
        public var host: String
        /// The target port.
        public var port: Int

        /// `host:port`.
        public var target: String { "\(self.host):\(self.port)" }
        /// `socks5 → host:port`.
        public var description: String { "\(self.method.rawValue) → \(self.target)" }
    }

    private let tunnelLog = Mutex<[Tunnel]>([])
    private let logger: Logger

    /// Creates a proxy; nothing listens until ``run(port:onListening:)``.
    public init(logger: Logger) {
        self.logger = logger
    }

    /// Every tunnel opened so far, in the order they were opened.
    public var tunnels: [Tunnel] { self.tunnelLog.withLock { $0 } }

    /// How many tunnels went to `target` (`host:port`, host as the client named it), by `method` or by any.
    public func connectionCount(to target: String, method: Method? = nil) -> Int {
        self.tunnels.filter { $0.target == target && (method == nil || $0.method == method) }.count
    }

    /// Listens on `127.0.0.1:port` (0 picks a free port) and serves until the calling task is cancelled, then closes
    /// every connection and returns.
    /// - Parameter onListening: called once with the bound port, before the first connection is accepted.
    /// - Throws: when the port cannot be bound.
    public func run(port: Int = 0, onListening: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            .bind(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(
                        wrappingChannelSynchronously: channel, configuration: .init(isOutboundHalfClosureEnabled: true)
                    )
                }
            }
        await onListening(server.channel.localAddress?.port ?? port)
        do {
            try await withThrowingDiscardingTaskGroup { group in
                try await server.executeThenClose { connections in
                    for try await connection in connections {
                        group.addTask { await self.serve(connection) }
                    }
                }
                group.cancelAll()
            }
        } catch  where Task.isCancelled {
            // Cancellation is how the proxy is stopped.
        }
    }

    // MARK: - One client

    private func serve(_ connection: NIOAsyncChannel<ByteBuffer, ByteBuffer>) async {
        do {
            try await connection.executeThenClose { inbound, outbound in
                var input = HandshakeInput(iterator: inbound.makeAsyncIterator())
                try await input.fill(atLeast: 1)
                if input.pending.readableBytesView.first == 5 {
                    try await self.serveSOCKS5(&input, connection: connection, outbound: outbound)
                } else {
                    try await self.serveHTTP(&input, connection: connection, outbound: outbound)
                }
            }
        } catch {
            self.logger.debug("proxy connection ended", metadata: ["error": "\(error)"])
        }
    }

    // MARK: SOCKS5 (RFC 1928)

    private func serveSOCKS5(
        _ input: inout HandshakeInput, connection: NIOAsyncChannel<ByteBuffer, ByteBuffer>,
        outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    ) async throws {
        // Greeting: VER NMETHODS METHODS…
        try await input.fill(atLeast: 2)
        let methodCount = Int(input.byte(1))
        try await input.fill(atLeast: 2 + methodCount)
        let methods = input.take(2 + methodCount).readableBytesView.dropFirst(2)
        guard methods.contains(0x00) else {
            try await outbound.write(ByteBuffer(bytes: [0x05, 0xFF]))
            throw ProxyRefusal("SOCKS5 client offered no 'no authentication' method")
        }
        try await outbound.write(ByteBuffer(bytes: [0x05, 0x00]))

        // Request: VER CMD RSV ATYP DST.ADDR DST.PORT
        try await input.fill(atLeast: 4)
        let command = input.byte(1)
        let addressType = input.byte(3)
        let host: String
        let addressEnd: Int
        switch addressType {
        case 0x01:
            try await input.fill(atLeast: 4 + 4 + 2)
            host = (4..<8).map { String(input.byte($0)) }.joined(separator: ".")
            addressEnd = 8
        case 0x03:
            try await input.fill(atLeast: 5)
            let length = Int(input.byte(4))
            try await input.fill(atLeast: 5 + length + 2)
            host = String(decoding: (5..<5 + length).map { input.byte($0) }, as: UTF8.self)
            addressEnd = 5 + length
        case 0x04:
            try await input.fill(atLeast: 4 + 16 + 2)
            host = stride(from: 4, to: 20, by: 2).map { String(UInt16(input.byte($0)) << 8 | UInt16(input.byte($0 + 1)), radix: 16) }
                .joined(separator: ":")
            addressEnd = 20
        default:
            try await outbound.write(Self.socksReply(0x08))
            throw ProxyRefusal("SOCKS5 address type \(addressType) is not supported")
        }
        let port = Int(input.byte(addressEnd)) << 8 | Int(input.byte(addressEnd + 1))
        _ = input.take(addressEnd + 2)
        guard command == 0x01 else {
            try await outbound.write(Self.socksReply(0x07))
            throw ProxyRefusal("SOCKS5 command \(command) is not supported (only CONNECT)")
        }

        let target: NIOAsyncChannel<ByteBuffer, ByteBuffer>
        do {
            target = try await Self.connect(host: host, port: port)
        } catch {
            try await outbound.write(Self.socksReply(0x05))
            throw error
        }
        try await outbound.write(Self.socksReply(0x00))
        self.record(Tunnel(method: .socks5, host: host, port: port))
        try await Self.pipe(&input, client: connection, clientOutbound: outbound, target: target, firstBytes: nil)
    }

    /// `VER REP RSV ATYP BND.ADDR BND.PORT` with an all-zero IPv4 bound address.
    private static func socksReply(_ code: UInt8) -> ByteBuffer {
        ByteBuffer(bytes: [0x05, code, 0x00, 0x01, 0, 0, 0, 0, 0, 0])
    }

    // MARK: HTTP (RFC 9110 §9.3.6 CONNECT, §7.1 absolute-form targets)

    private func serveHTTP(
        _ input: inout HandshakeInput, connection: NIOAsyncChannel<ByteBuffer, ByteBuffer>,
        outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    ) async throws {
        let head = try await input.readHTTPHead()
        var lines = head.split(separator: "\r\n", omittingEmptySubsequences: false).map(String.init)
        let requestLine = lines.removeFirst().split(separator: " ").map(String.init)
        guard requestLine.count == 3 else {
            try await Self.refuseHTTP(outbound, status: "400 Bad Request", reason: "malformed request line")
            throw ProxyRefusal("malformed HTTP request line")
        }
        let (method, requestTarget, version) = (requestLine[0], requestLine[1], requestLine[2])

        if method == "CONNECT" {
            guard let (host, port) = Self.hostAndPort(requestTarget, defaultPort: nil) else {
                try await Self.refuseHTTP(outbound, status: "400 Bad Request", reason: "CONNECT needs host:port")
                throw ProxyRefusal("CONNECT target '\(requestTarget)' has no port")
            }
            let target = try await self.connectOrRefuse(host: host, port: port, outbound: outbound)
            try await outbound.write(ByteBuffer(string: "HTTP/1.1 200 Connection Established\r\n\r\n"))
            self.record(Tunnel(method: .httpConnect, host: host, port: port))
            try await Self.pipe(&input, client: connection, clientOutbound: outbound, target: target, firstBytes: nil)
            return
        }

        guard requestTarget.lowercased().hasPrefix("http://") else {
            try await Self.refuseHTTP(outbound, status: "400 Bad Request", reason: "expected CONNECT or an absolute http:// URI")
            throw ProxyRefusal("request target '\(requestTarget)' is neither CONNECT nor absolute http://")
        }
        let afterScheme = requestTarget.dropFirst("http://".count)
        let authority = afterScheme.prefix { $0 != "/" && $0 != "?" }
        var path = String(afterScheme.dropFirst(authority.count))
        if path.isEmpty || path.hasPrefix("?") { path = "/" + path }
        guard let (host, port) = Self.hostAndPort(String(authority), defaultPort: 80) else {
            try await Self.refuseHTTP(outbound, status: "400 Bad Request", reason: "bad authority in request URI")
            throw ProxyRefusal("bad authority in '\(requestTarget)'")
        }
        // Forward in origin form. One request per tunnel: the server closes after its answer, so the client never
        // reuses this connection for another host.
        let hopByHop: Set<String> = ["connection", "proxy-connection", "keep-alive", "proxy-authorization"]
        let kept = lines.filter { line in
            guard let colon = line.firstIndex(of: ":") else { return false }
            return !hopByHop.contains(line[..<colon].filter { $0 != " " && $0 != "\t" }.lowercased())
        }
        let forwarded = ([method + " " + path + " " + version] + kept + ["Connection: close", "", ""]).joined(separator: "\r\n")
        let target = try await self.connectOrRefuse(host: host, port: port, outbound: outbound)
        self.record(Tunnel(method: .httpForward, host: host, port: port))
        try await Self.pipe(&input, client: connection, clientOutbound: outbound, target: target, firstBytes: ByteBuffer(string: forwarded))
    }

    private func connectOrRefuse(
        host: String, port: Int, outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    ) async throws -> NIOAsyncChannel<ByteBuffer, ByteBuffer> {
        do {
            return try await Self.connect(host: host, port: port)
        } catch {
            try await Self.refuseHTTP(outbound, status: "502 Bad Gateway", reason: "cannot connect to \(host):\(port): \(error)")
            throw error
        }
    }

    private static func refuseHTTP(_ outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>, status: String, reason: String) async throws {
        let body = "LocalProxy: \(reason)\n"
        try await outbound.write(
            ByteBuffer(
                string:
                    "HTTP/1.1 \(status)\r\nContent-Type: text/plain\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n\(body)"
            )
        )
    }

    /// `host:port` or `[v6]:port`; the port may be left out when there is a default.
    private static func hostAndPort(_ authority: String, defaultPort: Int?) -> (String, Int)? {
        var host = Substring(authority)
        var portText: Substring?
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else { return nil }
            let rest = host[host.index(after: close)...]
            host = host[host.index(after: host.startIndex)..<close]
            if rest.hasPrefix(":") { portText = rest.dropFirst() } else if !rest.isEmpty { return nil }
        } else if let colon = host.lastIndex(of: ":") {
            portText = host[host.index(after: colon)...]
            host = host[..<colon]
        }
        guard !host.isEmpty, let port = portText.map({ Int($0) }) ?? defaultPort, (1...65535).contains(port) else { return nil }
        return (String(host), port)
    }

    // MARK: - Tunnel

    private func record(_ tunnel: Tunnel) {
        self.tunnelLog.withLock { $0.append(tunnel) }
        self.logger.debug("proxy tunnel opened", metadata: ["tunnel": "\(tunnel)"])
    }

    private static func connect(host: String, port: Int) async throws -> NIOAsyncChannel<ByteBuffer, ByteBuffer> {
        try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.allowRemoteHalfClosure, value: true)
            .connectTimeout(.seconds(10))
            .connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(
                        wrappingChannelSynchronously: channel, configuration: .init(isOutboundHalfClosureEnabled: true)
                    )
                }
            }
    }

    /// Copies bytes both ways until both sides are done, passing on each half-close. Bytes the client sent after
    /// its handshake are delivered first, after `firstBytes`.
    private static func pipe(
        _ input: inout HandshakeInput, client: NIOAsyncChannel<ByteBuffer, ByteBuffer>,
        clientOutbound: NIOAsyncChannelOutboundWriter<ByteBuffer>, target: NIOAsyncChannel<ByteBuffer, ByteBuffer>,
        firstBytes: ByteBuffer?
    ) async throws {
        try await target.executeThenClose { targetInbound, targetOutbound in
            if let firstBytes { try await targetOutbound.write(firstBytes) }
            if input.pending.readableBytes > 0 { try await targetOutbound.write(input.take(input.pending.readableBytes)) }
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    do {
                        for try await chunk in targetInbound { try await clientOutbound.write(chunk) }
                        clientOutbound.finish()
                    } catch {
                        // Unblocks the client-to-target loop below.
                        client.channel.close(promise: nil)
                        throw error
                    }
                }
                while let chunk = try await input.iterator.next() { try await targetOutbound.write(chunk) }
                targetOutbound.finish()
                try await group.waitForAll()
            }
        }
    }
}

/// The bytes a client has sent but the handshake has not consumed yet, and the stream the rest comes from.
/// Used by one task only.
private struct HandshakeInput {
    var iterator: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
    var pending = ByteBuffer()

    /// The longest HTTP request head accepted.
    static let maximumHeadLength = 64 * 1024

    init(iterator: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator) {
        self.iterator = iterator
    }

    /// Reads until at least `count` bytes are pending.
    /// - Throws: when the client closes first.
    mutating func fill(atLeast count: Int) async throws {
        while self.pending.readableBytes < count {
            guard var chunk = try await self.iterator.next() else {
                throw ProxyRefusal("client closed during the handshake")
            }
            self.pending.writeBuffer(&chunk)
        }
    }

    /// The pending byte at `index` (from the start of what is pending).
    func byte(_ index: Int) -> UInt8 {
        self.pending.getInteger(at: self.pending.readerIndex + index)!
    }

    /// Removes and returns the first `count` pending bytes.
    mutating func take(_ count: Int) -> ByteBuffer {
        self.pending.readSlice(length: count)!
    }

    /// Reads up to and including the blank line that ends an HTTP request head, and returns the head without it.
    mutating func readHTTPHead() async throws -> String {
        let terminator = Array("\r\n\r\n".utf8)
        while true {
            let view = self.pending.readableBytesView
            if let end = view.firstRange(of: terminator) {
                let length = end.lowerBound - view.startIndex
                let head = String(buffer: self.take(length))
                _ = self.take(terminator.count)
                return head
            }
            guard view.count <= Self.maximumHeadLength else { throw ProxyRefusal("HTTP request head exceeds 64 KiB") }
            try await self.fill(atLeast: view.count + 1)
        }
    }
}

/// Why the proxy gave up on a connection (logged at debug; the client got an answer where the protocol has one).
private struct ProxyRefusal: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
