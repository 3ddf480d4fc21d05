import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import SwiftProtobuf

// The sign server (`/webcast/fetch`) and the WebSocket's refusal answer (protocol.md §3.1, §3.3).

extension TikTokSimulator {
    func addSignerRoutes(to router: Router<BasicRequestContext>) {
        router.get("/webcast/fetch") { request, _ -> Response in
            let roomID = request.uri.queryParameters.get("room_id") ?? ""
            guard let room = self.room(roomID: roomID) else {
                return Self.json(["message": "room \(roomID) not found", "code": 404], status: .notFound)
            }
            let pushServer = "ws://\(Self.host(request))/webcast/im/ws_proxy/ws_reuse_supplement/"
            let body = try room.fetchResult(pushServer: pushServer).serializedBytes() as [UInt8]
            return Response(
                status: .ok,
                headers: [
                    .contentType: "application/protobuf",
                    HTTPField.Name("X-Set-TT-Cookie")!: "ttwid=sim-ttwid-\(UInt32.random(in: 1...UInt32.max)); msToken=sim-mstoken",
                    HTTPField.Name("X-Request-Id")!: UUID().uuidString,
                ],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: body))
            )
        }

        // A WebSocket request the upgrade check refused lands here: TikTok answers 200 with handshake headers.
        router.get("/webcast/im/ws_proxy/ws_reuse_supplement/") { _, _ -> Response in
            Response(
                status: .ok,
                headers: [HTTPField.Name("handshake-status")!: "415", HTTPField.Name("handshake-msg")!: "DEVICE_BLOCKED"]
            )
        }
    }
}
