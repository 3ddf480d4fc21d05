import CurlTransport
import Foundation
import Logging
import NIOCore
import SwiftProtobuf
import Synchronization
import WSCore

/// A room's event feed for as long as the room is live (protocol.md §3): the first fetch (through the sign server,
/// or signature-free with a `ttwid` cookie), TikTok's WebSocket, and reconnection.
///
/// Owns the socket for the duration of ``run(emit:)``: sends enter-room, `hb` heartbeats at the server's interval and
/// acks when asked. When the socket drops it asks `check_alive`; while the room is live it reconnects with backoff
/// through a fresh fetch that resumes at the last cursor. It returns when the stream has ended (control action 3 or 4,
/// or a dropped socket, each confirmed by `check_alive`) and throws errors retrying cannot fix.
final class WebcastConnection: Sendable {
    let roomID: String
    let configuration: TikTokLiveConfiguration
    let http: CurlHTTPClient
    let signer: SignerClient
    let proxies: ProxyResolver
    let logger: Logger
    /// Asks TikTok whether the room is still live (`check_alive`).
    let isRoomAlive: @Sendable () async throws -> Bool
    /// Called with every WebSocket message: `true` for sent, `false` for received.
    let observeMessage: (@Sendable (_ sent: Bool, _ bytes: [UInt8]) -> Void)?
    /// How long to keep reading after a stream-end message, for trailing events.
    let endLinger: Duration

    let deduplicator = MessageDeduplicator()
    let decoder: PushFrameDecoder
    private let state = Mutex(State())

    private struct State {
        var cursor = ""
        var internalExt = ""
        var endAction: Int64?
        var ttwid: String?
        var reconnects = 0
        var connected = false
    }

    init(
        roomID: String, configuration: TikTokLiveConfiguration, http: CurlHTTPClient, signer: SignerClient, proxies: ProxyResolver,
        logger: Logger, endLinger: Duration = .seconds(3), isRoomAlive: @escaping @Sendable () async throws -> Bool,
        observeMessage: (@Sendable (_ sent: Bool, _ bytes: [UInt8]) -> Void)?
    ) {
        self.roomID = roomID
        self.configuration = configuration
        self.http = http
        self.signer = signer
        self.proxies = proxies
        self.logger = logger
        self.endLinger = endLinger
        self.isRoomAlive = isRoomAlive
        self.observeMessage = observeMessage
        self.decoder = PushFrameDecoder(experimentalEvents: configuration.experimentalEvents)
    }

    /// Why one socket session ended.
    private enum SessionEnd {
        case streamEnded(action: Int64)
        case socketClosed
    }

    /// How long a socket must stay open for its loss to count as a new failure rather than one more in a row.
    static let stableSession = Duration.seconds(30)

    /// How many times the socket was re-opened (or tried to be) after it had been up.
    var reconnectCount: Int { self.state.withLock { $0.reconnects } }

    /// Runs until the stream ends, passing each new event to `emit`.
    /// - Throws: errors a retry cannot fix (``TikTokLiveError/handshakeRejected(httpStatus:handshakeStatus:message:)``,
    ///   ``TikTokLiveError/signerRefused(status:message:)``, …) at once; transient ones after the reconnect policy's
    ///   attempts are used up. `CancellationError` when cancelled.
    func run(emit: @escaping @Sendable (LiveEvent) -> Void) async throws {
        var failures = 0
        var connectedBefore = false
        while true {
            try Task.checkCancellation()
            if connectedBefore { self.state.withLock { $0.reconnects += 1 } }
            let end: SessionEnd
            let started = ContinuousClock.now
            // A socket that stayed up a while makes the next failure a fresh one, not one more in a row; a socket
            // that keeps closing at once still uses up the attempts.
            let stayedUp = { ContinuousClock.now - started >= Self.stableSession && self.state.withLock { $0.connected } }
            do {
                end = try await self.session(emit: emit)
                connectedBefore = true
                if stayedUp() { failures = 0 }
            } catch let error as CancellationError {
                throw error
            } catch {
                if self.state.withLock({ $0.connected }) { connectedBefore = true }
                if stayedUp() { failures = 0 }
                let error = Self.classify(error)
                guard error.isTransient else { throw error }
                failures += 1
                guard failures <= self.configuration.reconnect.maxAttempts else {
                    if case .webSocket(let reason) = error, failures > 1 {
                        throw TikTokLiveError.webSocket(reason: "gave up after \(failures - 1) reconnect attempts: \(reason)")
                    }
                    throw error
                }
                // Whether or not the socket ever opened, a room that is no longer live ends the feed without an error.
                if await self.confirmedOffline() {
                    self.logger.info("event feed ended: the room is no longer live", metadata: ["room.id": "\(self.roomID)"])
                    return
                }
                let delay = self.configuration.reconnect.delay(beforeAttempt: failures)
                self.logger.warning(
                    "event feed failed; retrying",
                    metadata: ["room.id": "\(self.roomID)", "error": "\(error)", "retry.in": "\(delay)", "attempt": "\(failures)"]
                )
                try await Task.sleep(for: Self.delay(after: error, default: delay))
                continue
            }
            switch end {
            case .streamEnded(let action):
                // End messages are trustworthy but not always final: confirm before giving up on the room.
                if await self.isAlive() == true {
                    self.logger.warning(
                        "stream-end message but the room is still live; reconnecting",
                        metadata: ["room.id": "\(self.roomID)", "action": "\(action)"]
                    )
                    self.state.withLock { $0.endAction = nil }
                } else {
                    return
                }
            case .socketClosed:
                if await self.confirmedOffline() {
                    self.logger.info("event socket closed and the room is no longer live", metadata: ["room.id": "\(self.roomID)"])
                    return
                }
                failures += 1
                guard failures <= self.configuration.reconnect.maxAttempts else {
                    throw TikTokLiveError.webSocket(
                        reason: "gave up after \(failures - 1) reconnect attempts: the socket kept closing while the room is live"
                    )
                }
                let delay = self.configuration.reconnect.delay(beforeAttempt: failures)
                self.logger.warning(
                    "event socket dropped while live; reconnecting",
                    metadata: ["room.id": "\(self.roomID)", "retry.in": "\(delay)"]
                )
                try await Task.sleep(for: delay)
            }
        }
    }

    /// TikTok errors as they are; anything else (network, TLS, socket) as a transient WebSocket failure.
    private static func classify(_ error: any Error) -> TikTokLiveError {
        if let error = error as? TikTokLiveError { return error }
        if let error = error as? ProxyEndpoint.ParseError { return .malformedResponse(endpoint: "proxy setting", reason: "\(error)") }
        return .webSocket(reason: "\(error)")
    }

    /// `true` only when `check_alive` answered and said the room is not live.
    private func confirmedOffline() async -> Bool {
        await self.isAlive() == false
    }

    private func isAlive() async -> Bool? {
        do {
            return try await self.isRoomAlive()
        } catch TikTokLiveError.roomNotFound {
            // A room we were connected to that TikTok no longer knows has ended (its live moved to a new room id).
            return false
        } catch {
            self.logger.debug("check_alive failed", metadata: ["error": "\(error)"])
            return nil
        }
    }

    private static func delay(after error: TikTokLiveError, default delay: Duration) -> Duration {
        switch error {
        case .signerRateLimited(let retryAfter?, _), .rateLimited(_, let retryAfter?):
            return max(delay, .seconds(retryAfter))
        default:
            return delay
        }
    }

    // MARK: - One socket session

    private func session(emit: @escaping @Sendable (LiveEvent) -> Void) async throws -> SessionEnd {
        let (url, cookies, heartbeatDefault) = try await self.prepare(emit: emit)
        var headers: [(name: String, value: String)] = [
            ("Cookie", cookies.map { "\($0.name)=\($0.value)" }.joined(separator: "; ")),
            ("User-Agent", self.configuration.userAgent),
            ("Origin", "https://www.tiktok.com"),
            ("Sec-WebSocket-Protocol", "echo-protocol"),
        ]
        headers.append(("Accept-Language", "en-US,en;q=0.9"))
        let proxy = try self.proxies.webSocketProxy.map { try ProxyEndpoint(url: $0) }
        let roomID = Int64(self.roomID) ?? 0
        self.logger.debug("event WebSocket connecting", metadata: ["room.id": "\(self.roomID)", "url": "\(CurlError.redact(url))"])
        self.state.withLock { $0.connected = false }
        try await WebcastSocket.connect(url: url, headers: headers, proxy: proxy, logger: self.logger) { inbound, outbound, handshake in
            self.state.withLock { $0.connected = true }
            let heartbeat = handshake.pingInterval ?? heartbeatDefault
            try await self.send(PushFrames.clientFrame(type: "im_enter_room", payload: Self.enterRoom(roomID)), on: outbound)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    var sequence: Int64 = 0
                    while true {
                        try await Task.sleep(for: heartbeat)
                        sequence += 1
                        var beat = Webcast_HeartBeatMessage()
                        beat.roomID = roomID
                        beat.sendPacketSeqID = sequence
                        try await self.send(PushFrames.clientFrame(type: "hb", payload: try beat.serializedBytes()), on: outbound)
                    }
                }
                group.addTask {
                    for try await message in inbound.messages(maxSize: 1 << 24) {
                        guard case .binary(let buffer) = message else { continue }
                        let bytes = Array(buffer.readableBytesView)
                        self.observeMessage?(false, bytes)
                        if let ack = self.handle(frameBytes: Data(bytes), emit: emit) {
                            try await self.send(ack, on: outbound)
                        }
                    }
                }
                group.addTask {
                    // After a stream-end message, keep reading a little for trailing events, then leave.
                    while self.state.withLock({ $0.endAction }) == nil {
                        try await Task.sleep(for: .milliseconds(100))
                    }
                    try await Task.sleep(for: self.endLinger)
                }
                // Either task ending ends the session: the reader when the socket closes, the heartbeat on a write error.
                _ = try await group.next()
                group.cancelAll()
            }
        }
        if let action = self.state.withLock({ $0.endAction }) { return .streamEnded(action: action) }
        return .socketClosed
    }

    private func send(_ frame: [UInt8], on outbound: WebSocketOutboundWriter) async throws {
        self.observeMessage?(true, frame)
        try await outbound.write(.binary(ByteBuffer(bytes: frame)))
    }

    /// The first fetch of a session; returns the WebSocket URL, the cookie jar and the default heartbeat.
    private func prepare(emit: @Sendable (LiveEvent) -> Void) async throws -> (String, [(name: String, value: String)], Duration) {
        var jar: [(name: String, value: String)]
        let pushServer: String
        var routeParameters: [(String, String)] = []
        var heartbeat = Duration.seconds(10)
        switch self.configuration.eventTransport {
        case .signer:
            let cursor = self.state.withLock { $0.cursor }
            let fetch = try await self.signer.fetch(roomID: self.roomID, cursor: cursor.isEmpty ? nil : cursor)
            self.remember(fetch.result)
            self.deliver(fetch.result, emit: emit)
            jar = fetch.cookies
            pushServer = fetch.result.pushServer
            routeParameters = fetch.result.routeParams.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
            if fetch.result.heartbeatDuration > 0 { heartbeat = .milliseconds(fetch.result.heartbeatDuration) }
        case .signatureFree:
            jar = [("ttwid", try await self.ttwid())]
            pushServer = self.configuration.pushServerURL
        }
        jar.append(("tt-target-idc", self.configuration.targetIDC))
        if let session = self.configuration.sessionID {
            jar += [("sessionid", session), ("sessionid_ss", session), ("sid_tt", session)]
        }
        return (self.webSocketURL(pushServer: pushServer, routeParameters: routeParameters), jar, heartbeat)
    }

    /// The `ttwid` cookie TikTok's web hands every visitor; the signature-free transport needs nothing else.
    private func ttwid() async throws -> String {
        if let cached = self.state.withLock({ $0.ttwid }) { return cached }
        let url = self.configuration.webBaseURL + "/"
        let response = try await self.http.send(
            HTTPRequest(url: url, headers: [("Accept", "text/html")], proxy: self.proxies.httpProxy, followRedirects: false)
        )
        let cookies = response.headers.filter { $0.name.lowercased() == "set-cookie" }.flatMap { header in
            SignerClient.parseCookies(String(header.value.prefix { $0 != ";" }))
        }
        guard let ttwid = cookies.first(where: { $0.name == "ttwid" })?.value, !ttwid.isEmpty else {
            if response.status == 302 { throw TikTokLiveError.countryBlocked(endpoint: "/") }
            if response.status == 403 { throw TikTokLiveError.blocked(endpoint: "/") }
            throw TikTokLiveError.malformedResponse(endpoint: "/", reason: "TikTok's web set no ttwid cookie (HTTP \(response.status))")
        }
        self.state.withLock { $0.ttwid = ttwid }
        return ttwid
    }

    private func remember(_ result: Webcast_ProtoMessageFetchResult) {
        self.state.withLock { state in
            if !result.cursor.isEmpty { state.cursor = result.cursor }
            if !result.internalExt.isEmpty { state.internalExt = result.internalExt }
        }
    }

    private func webSocketURL(pushServer: String, routeParameters: [(String, String)]) -> String {
        let (cursor, internalExt) = self.state.withLock { ($0.cursor, $0.internalExt) }
        var parameters = routeParameters
        parameters += [
            ("aid", "1988"), ("app_language", "en"), ("app_name", "tiktok_web"), ("browser_platform", "Win32"),
            ("browser_language", "en-US"), ("browser_name", "Mozilla"),
            ("browser_version", String(self.configuration.userAgent.drop { $0 != "/" }.dropFirst())),
            ("browser_online", "true"), ("cookie_enabled", "true"), ("tz_name", "Etc/UTC"), ("device_platform", "web"),
            ("identity", "audience"), ("live_id", "12"), ("sup_ws_ds_opt", "1"), ("update_version_code", "2.0.0"),
            ("version_code", "180800"), ("client_enter", "1"), ("ws_direct", "0"), ("did_rule", "3"),
            ("webcast_language", "en"), ("screen_height", "1080"), ("screen_width", "1920"),
            ("heartbeat_duration", "0"), ("resp_content_type", "protobuf"), ("history_comment_count", "6"),
            ("last_rtt", String(Int.random(in: 100...200))), ("room_id", self.roomID),
            ("internal_ext", internalExt), ("cursor", cursor),
        ]
        if self.configuration.compressWebSocket { parameters.append(("compress", "gzip")) }
        let query = parameters.map { "\(WebClientParameters.percentEncode($0.0))=\(WebClientParameters.percentEncode($0.1))" }
        let separator = pushServer.contains("?") ? "&" : "?"
        return pushServer + separator + query.joined(separator: "&") + "&version_code=270000"
    }

    // MARK: - Frames

    /// Decodes one push frame, emits its new events and returns the ack frame to send, if one is due.
    func handle(frameBytes: Data, emit: (LiveEvent) -> Void) -> [UInt8]? {
        do {
            let frame = try self.decoder.decode(frameBytes)
            guard let result = frame.fetchResult else { return nil }
            self.remember(result)
            self.deliver(frame.events, undecodable: frame.undecodable, emit: emit)
            return frame.ack
        } catch {
            self.logger.warning(
                "undecodable push frame skipped",
                metadata: ["error": "\(error)", "frame.base64": "\(frameBytes.base64EncodedString())"]
            )
            return nil
        }
    }

    private func deliver(_ result: Webcast_ProtoMessageFetchResult, emit: (LiveEvent) -> Void) {
        let (events, undecodable) = self.decoder.events(in: result)
        self.deliver(events, undecodable: undecodable, emit: emit)
    }

    private func deliver(_ events: [LiveEvent], undecodable: [PushFrameDecoder.UndecodableMessage], emit: (LiveEvent) -> Void) {
        for message in undecodable {
            self.logger.warning(
                "undecodable event skipped",
                metadata: [
                    "method": "\(message.method)", "msg.id": "\(message.msgID)", "error": "\(message.reason)",
                    "payload.base64": "\(message.payload.base64EncodedString())",
                ]
            )
        }
        for event in events where self.deduplicator.isNew(event.msgID) {
            if event.isStreamEnd, case .control(let action) = event.kind {
                self.state.withLock { $0.endAction = action }
            }
            emit(event)
        }
    }

    static func enterRoom(_ roomID: Int64) -> [UInt8] {
        var enter = Webcast_ImEnterRoomMessage()
        enter.roomID = roomID
        enter.liveID = 12
        enter.identity = "audience"
        enter.filterWelcomeMsg = "0"
        enter.enterUniqueID = Int64.random(in: 1...Int64.max)
        return (try? enter.serializedBytes()) ?? []
    }
}
