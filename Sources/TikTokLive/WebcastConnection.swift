import CurlTransport
import Foundation
import HTTPTypes
import Logging
import NIOCore
import SwiftProtobuf
import WSClient

/// One connection to a room's event feed: the sign-server fetch, then TikTok's WebSocket (protocol.md §3).
///
/// Owns the socket for the duration of ``run(emit:)``; sends enter-room, heartbeats at the server's interval and
/// acks when asked. Returns when the server closes the socket; throws when it cannot be opened.
struct WebcastConnection: Sendable {
    let roomID: String
    let configuration: TikTokLiveConfiguration
    let http: CurlHTTPClient
    let logger: Logger
    let deduplicator = MessageDeduplicator()

    /// Runs until the socket closes, passing each new event to `emit`.
    func run(emit: @escaping @Sendable (LiveEvent) -> Void) async throws {
        let fetch = try await self.initialFetch()
        self.deliver(fetch.result, emit: emit)

        let url = self.webSocketURL(fetch.result)
        var headers = HTTPFields()
        headers[.cookie] = self.cookieHeader(fetch.cookies)
        headers[.userAgent] = self.configuration.userAgent
        headers[HTTPField.Name("Sec-WebSocket-Protocol")!] = "echo-protocol"
        let heartbeat = fetch.result.heartbeatDuration > 0 ? Duration.milliseconds(fetch.result.heartbeatDuration) : .seconds(10)
        let roomID = Int64(self.roomID) ?? 0
        self.logger.debug("event WebSocket connecting", metadata: ["room.id": "\(self.roomID)"])
        do {
            try await WebSocketClient.connect(
                url: url,
                configuration: .init(maxFrameSize: 1 << 24, additionalHeaders: headers, autoPing: .disabled),
                logger: self.logger
            ) { inbound, outbound, _ in
                try await outbound.write(.binary(Self.frame(type: "im_enter_room", payload: Self.enterRoom(roomID))))
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        var sequence: Int64 = 0
                        while true {
                            try await Task.sleep(for: heartbeat)
                            sequence += 1
                            var beat = Webcast_HeartBeatMessage()
                            beat.roomID = roomID
                            beat.sendPacketSeqID = sequence
                            try await outbound.write(.binary(Self.frame(type: "hb", payload: try beat.serializedBytes())))
                        }
                    }
                    for try await message in inbound.messages(maxSize: 1 << 24) {
                        guard case .binary(let buffer) = message else { continue }
                        if let ack = self.handle(frameBytes: Data(buffer.readableBytesView), emit: emit) {
                            try await outbound.write(.binary(ack))
                        }
                    }
                    group.cancelAll()
                }
            }
        } catch let error as WebSocketClientError {
            throw TikTokLiveError.webSocket(reason: "handshake with \(CurlError.redact(url)) failed: \(error)")
        }
    }

    // MARK: - Sign server

    private func initialFetch() async throws -> (result: Webcast_ProtoMessageFetchResult, cookies: [(String, String)]) {
        let url = WebClientParameters.url(
            base: self.configuration.signerBaseURL, path: "/webcast/fetch",
            parameters: [
                ("client", "ttlive-swift"), ("room_id", self.roomID), ("user_agent", self.configuration.userAgent),
                ("client_enter", "true"), ("platform", "web"),
            ]
        )
        var headers: [(name: String, value: String)] = [("User-Agent", "tiktok-recorder")]
        if let key = self.configuration.signerAPIKey { headers.append(("X-Api-Key", key)) }
        let response = try await self.http.send(
            HTTPRequest(url: url, headers: headers, proxy: self.configuration.proxy)
        )
        guard response.status == 200 else {
            throw TikTokLiveError.signerFailed(status: response.status, message: response.text)
        }
        guard !response.body.isEmpty else {
            throw TikTokLiveError.signerResponseIncomplete(
                reason: "/webcast/fetch returned an empty body (TikTok may be detecting the signer)")
        }
        let result: Webcast_ProtoMessageFetchResult
        do {
            result = try Webcast_ProtoMessageFetchResult(serializedBytes: response.body)
        } catch {
            throw TikTokLiveError.signerResponseIncomplete(reason: "/webcast/fetch body is not a ProtoMessageFetchResult: \(error)")
        }
        guard !result.cursor.isEmpty else {
            throw TikTokLiveError.signerResponseIncomplete(reason: "missing cursor in initial fetch response")
        }
        guard !result.pushServer.isEmpty else {
            throw TikTokLiveError.signerResponseIncomplete(reason: "initial fetch response names no push server")
        }
        guard let cookieHeader = response.header("X-Set-TT-Cookie"), !cookieHeader.isEmpty else {
            throw TikTokLiveError.signerResponseIncomplete(reason: "initial fetch response has no X-Set-TT-Cookie header")
        }
        let cookies = cookieHeader.split(separator: ";").compactMap { part -> (String, String)? in
            let pair = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            return pair.count == 2 ? (pair[0], pair[1]) : nil
        }
        return (result, cookies)
    }

    private func cookieHeader(_ cookies: [(String, String)]) -> String {
        var jar = cookies
        jar.append(("tt-target-idc", self.configuration.targetIDC))
        if let session = self.configuration.sessionID {
            jar += [("sessionid", session), ("sessionid_ss", session), ("sid_tt", session)]
        }
        return jar.map { "\($0.0)=\($0.1)" }.joined(separator: "; ")
    }

    private func webSocketURL(_ fetch: Webcast_ProtoMessageFetchResult) -> String {
        var parameters = fetch.routeParams.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        parameters += [
            ("aid", "1988"), ("app_name", "tiktok_web"), ("browser_platform", "Win32"), ("browser_name", "Mozilla"),
            ("browser_online", "true"), ("cookie_enabled", "true"), ("device_platform", "web"),
            ("identity", "audience"), ("live_id", "12"), ("sup_ws_ds_opt", "1"), ("update_version_code", "2.0.0"),
            ("version_code", "180800"), ("client_enter", "1"), ("ws_direct", "0"), ("did_rule", "3"),
            ("heartbeat_duration", "0"), ("resp_content_type", "protobuf"), ("history_comment_count", "6"),
            ("room_id", self.roomID), ("internal_ext", fetch.internalExt), ("cursor", fetch.cursor),
        ]
        if self.configuration.compressWebSocket { parameters.append(("compress", "gzip")) }
        let query = parameters.map { "\(WebClientParameters.percentEncode($0.0))=\(WebClientParameters.percentEncode($0.1))" }
        let separator = fetch.pushServer.contains("?") ? "&" : "?"
        return fetch.pushServer + separator + query.joined(separator: "&") + "&version_code=270000"
    }

    // MARK: - Frames

    /// Decodes one push frame, emits its events and returns the ack frame to send, if one is due.
    func handle(frameBytes: Data, emit: (LiveEvent) -> Void) -> ByteBuffer? {
        do {
            let frame = try Webcast_PushFrame(serializedBytes: frameBytes)
            guard frame.payloadType == "msg" else { return nil }
            let compressed = frame.headers.contains { $0.key == "compress_type" && $0.value == "gzip" }
            let payload = compressed || Gzip.isCompressed(frame.payload) ? try Gzip.decompress(frame.payload) : frame.payload
            let result = try Webcast_ProtoMessageFetchResult(serializedBytes: payload)
            self.deliver(result, emit: emit)
            guard result.needAck else { return nil }
            let ackPayload = Array((result.internalExt.isEmpty ? "-" : result.internalExt).utf8)
            return ByteBuffer(bytes: PushFrames.clientFrame(type: "ack", payload: ackPayload, logID: frame.logID))
        } catch {
            self.logger.warning(
                "undecodable push frame skipped",
                metadata: ["error": "\(error)", "frame.base64": "\(frameBytes.base64EncodedString())"]
            )
            return nil
        }
    }

    private func deliver(_ result: Webcast_ProtoMessageFetchResult, emit: (LiveEvent) -> Void) {
        for message in result.messages where self.deduplicator.isNew(message.msgID) {
            do {
                emit(try LiveEvent(message: message))
            } catch {
                self.logger.warning(
                    "undecodable event skipped",
                    metadata: [
                        "method": "\(message.method)", "error": "\(error)",
                        "payload.base64": "\(message.payload.base64EncodedString())",
                    ]
                )
            }
        }
    }

    static func frame(type: String, payload: [UInt8]) -> ByteBuffer {
        ByteBuffer(bytes: PushFrames.clientFrame(type: type, payload: payload))
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
