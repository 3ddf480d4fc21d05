import Foundation
import HTTPTypes
import HummingbirdWebSocket
import Logging
import NIOCore
import NIOWebSocket
import SwiftProtobuf
import TikTokLive

// The event WebSocket (protocol.md §3.3–3.6).

extension TikTokSimulator {
    typealias UpgradeResult = ShouldUpgradeResult<WebSocketDataHandler<HTTP1WebSocketUpgradeChannel.Context>>

    /// Accepts a push-server upgrade only with the fetch's `ttwid` cookie and a user agent, as TikTok does.
    func shouldUpgrade(_ request: HTTPRequest) async throws -> UpgradeResult {
        guard let target = request.path, target.hasPrefix("/webcast/im/ws_proxy/"),
            let components = URLComponents(string: "http://sim" + target)
        else { return .dontUpgrade }
        let query = Dictionary(
            (components.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { first, _ in first }
        )
        let cookies = request.headerFields[.cookie] ?? ""
        guard cookies.contains("ttwid="), request.headerFields[.userAgent] != nil,
            let room = self.room(roomID: query["room_id"] ?? "")
        else { return .dontUpgrade }
        let cursor = Int(query["cursor"] ?? "") ?? 0
        let gzip = query["compress"] == "gzip"
        let truth = self.groundTruth
        return .upgrade([HTTPField.Name("Handshake-Options")!: "ping-interval=10"]) { inbound, outbound, _ in
            let (id, frames) = room.connect(cursor: cursor, gzip: gzip)
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
                for await item in frames {
                    switch item {
                    case .frame(let bytes):
                        try await outbound.write(.binary(ByteBuffer(bytes: bytes)))
                    case .close:
                        try await outbound.close(.normalClosure, reason: "stream ended")
                    }
                }
                group.cancelAll()
            }
        }
    }
}
