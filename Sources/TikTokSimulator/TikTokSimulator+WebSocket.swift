import Foundation
import HTTPTypes
import HummingbirdWebSocket
import Logging
import NIOCore
import NIOHTTP1
import NIOWebSocket
import SwiftProtobuf
import TikTokLive

// The event WebSocket (protocol.md §3.3–3.6).

extension TikTokSimulator {
    typealias UpgradeResult = ShouldUpgradeResult<WebSocketDataHandler<HTTP1WebSocketUpgradeChannel.Context>>

    /// Whether TikTok would refuse this upgrade before it reaches the WebSocket: a pending injected rejection, or a
    /// request without the `ttwid` cookie or a user agent (TikTok's DEVICE_BLOCKED). Refused requests are answered by
    /// the route in `TikTokSimulator+Signer.swift` with HTTP 200 and the handshake headers.
    func refusesHandshake(_ head: HTTPRequestHead) -> Bool {
        guard head.uri.hasPrefix("/webcast/im/ws_proxy/") else { return false }
        if self.transportFaults.hasPendingHandshakeRejection { return true }
        let cookies = head.headers["cookie"].joined(separator: "; ")
        return !cookies.contains("ttwid=") || head.headers["user-agent"].isEmpty
    }

    /// Accepts a push-server upgrade into a room that exists.
    func shouldUpgrade(_ request: HTTPRequest) async throws -> UpgradeResult {
        guard let target = request.path, target.hasPrefix("/webcast/im/ws_proxy/"),
            let components = URLComponents(string: "http://sim" + target)
        else { return .dontUpgrade }
        let query = Dictionary(
            (components.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { first, _ in first }
        )
        guard let room = self.room(roomID: query["room_id"] ?? "")
        else { return .dontUpgrade }
        let roomID = room.roomID
        let cursor = Int(query["cursor"] ?? "") ?? 0
        let gzip = query["compress"] == "gzip"
        let truth = self.groundTruth
        let dropAfter = self.transportFaults.dropSocketsAfterFrames
        let options = "ping-interval=\(self.transportFaults.pingInterval); ping-timeout=30"
        return .upgrade([HTTPField.Name("Handshake-Options")!: options]) { inbound, outbound, _ in
            truth.recordSocketOpened()
            let (id, frames) = room.connect(cursor: cursor, gzip: gzip, roomID: roomID)
            defer { room.disconnect(id) }
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    for try await message in inbound.messages(maxSize: 1 << 20) {
                        guard case .binary(let buffer) = message,
                            let frame = try? Webcast_PushFrame(serializedBytes: Array(buffer.readableBytesView))
                        else { continue }
                        switch frame.payloadType {
                        case "hb": truth.recordHeartbeat()
                        case "ack": truth.recordAck()
                        case "im_enter_room":
                            let reply = PushFrames.clientFrame(type: "im_enter_room_resp", payload: [])
                            try await outbound.write(.binary(ByteBuffer(bytes: reply)))
                        default: break
                        }
                    }
                }
                var sent = 0
                for await item in frames {
                    switch item {
                    case .frame(let bytes):
                        try await outbound.write(.binary(ByteBuffer(bytes: bytes)))
                        sent += 1
                        if let dropAfter, sent >= dropAfter {
                            // TikTok drops sockets mid-live now and then; the client must resume at its cursor.
                            truth.recordFault("socket.dropped")
                            try await outbound.close(.goingAway, reason: "simulated drop")
                            group.cancelAll()
                            return
                        }
                    case .close:
                        try await outbound.close(.normalClosure, reason: "stream ended")
                    }
                }
                group.cancelAll()
            }
        }
    }
}
