import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import SwiftProtobuf
import TikTokLive

// The sign server (`/webcast/fetch`, `/webcast/rate_limits`), the `ttwid` cookie TikTok's web hands every visitor,
// and the WebSocket's refusal answer (protocol.md §3.1, §3.3).

extension TikTokSimulator {
    func addSignerRoutes(to router: Router<BasicRequestContext>) {
        router.get("/webcast/fetch") { request, _ -> Response in
            if let refusal = self.apiKeyRefusal(request) { return refusal }
            let roomID = request.uri.queryParameters.get("room_id") ?? ""
            if let fault = self.transportFaults.takeSignerFault() {
                self.groundTruth.recordFault("signer.\(fault)")
                return Self.signerFaultResponse(fault, request: request, room: self.room(roomID: roomID))
            }
            guard let room = self.room(roomID: roomID) else {
                return Self.json(["message": "room \(roomID) not found", "code": 404], status: .notFound)
            }
            let pushServer = "ws://\(Self.host(request))/webcast/im/ws_proxy/ws_reuse_supplement/"
            let cursor = Int(request.uri.queryParameters.get("cursor") ?? "")
            let body = try room.fetchResult(pushServer: pushServer, after: cursor).serializedBytes() as [UInt8]
            return Self.fetchResponse(body)
        }

        router.get("/webcast/rate_limits") { request, _ -> Response in
            if let refusal = self.apiKeyRefusal(request) { return refusal }
            guard let perMinute = self.transportFaults.publishedPerMinute else {
                return Self.json(["message": "not found", "code": 404], status: .notFound)
            }
            let reset = Int64(Date().timeIntervalSince1970) + 60
            return Self.json([
                "code": 200, "message": "ok",
                "load_shedding": ["at": 0, "chance": 0],
                "minute": ["max": perMinute, "remaining": perMinute, "reset_at": reset],
                "hour": ["max": perMinute * 30, "remaining": perMinute * 30, "reset_at": reset + 3540],
                "day": ["max": perMinute * 300, "remaining": perMinute * 300, "reset_at": reset + 86340],
            ])
        }

        // TikTok's web sets `ttwid` on the first visit; the signature-free transport needs nothing more.
        router.get("/") { _, _ -> Response in
            let ttwid = "1%7Csim\(UInt64.random(in: 1...UInt64.max))%7C\(Int64(Date().timeIntervalSince1970))"
            return Response(
                status: .ok,
                headers: [
                    .contentType: "text/html; charset=utf-8",
                    .setCookie: "ttwid=\(ttwid); Path=/; Domain=.tiktok.com; Max-Age=31536000; HttpOnly; Secure",
                ],
                body: ResponseBody(byteBuffer: ByteBuffer(string: "<!doctype html><title>TikTok (simulated)</title>"))
            )
        }

        // A WebSocket request the upgrade check refused lands here: TikTok answers 200 with handshake headers.
        router.get("/webcast/im/ws_proxy/ws_reuse_supplement/") { _, _ -> Response in
            let rejection = self.transportFaults.takeHandshakeRejection() ?? .deviceBlocked
            self.groundTruth.recordFault("handshake.\(rejection.status).\(rejection.message)")
            return Response(
                status: .ok,
                headers: [
                    HTTPField.Name("handshake-status")!: rejection.status, HTTPField.Name("handshake-msg")!: rejection.message,
                ]
            )
        }
    }

    private func apiKeyRefusal(_ request: Request) -> Response? {
        guard let required = self.transportFaults.requiredAPIKey else { return nil }
        let given = request.headers[HTTPField.Name("X-Api-Key")!] ?? request.uri.queryParameters.get("apiKey").map { String($0) }
        guard given != required else { return nil }
        self.groundTruth.recordFault("signer.apiKey")
        return Self.json(["message": "Invalid API key", "code": 401], status: .unauthorized)
    }

    private static func signerFaultResponse(_ fault: TransportFaults.SignerFault, request: Request, room: SimulatedRoom?) -> Response {
        switch fault {
        case .unauthorized:
            return Self.json(["message": "Invalid API key", "code": 401], status: .unauthorized)
        case .paymentRequired:
            return Self.json(
                ["message": "This feature requires a paid plan", "code": 402],
                status: HTTPResponse.Status(code: 402, reasonPhrase: "Payment Required"))
        case .forbidden:
            return Self.json(["message": "No permission for this endpoint", "code": 403], status: .forbidden)
        case .rateLimited(let seconds):
            var response = Self.json(
                ["message": "Too many connections started, try again later.", "limit_label": "minute"], status: .tooManyRequests
            )
            response.headers[HTTPField.Name("RateLimit-Remaining")!] = "0"
            response.headers[HTTPField.Name("RateLimit-Reset")!] = String(Int64(Date().timeIntervalSince1970) + Int64(seconds))
            return response
        case .serverError:
            return Self.json(
                ["message": "Empty response payload received! (Internal Code: 200)", "code": 500], status: .internalServerError)
        case .emptyBody:
            return Self.fetchResponse([])
        case .missingCursor:
            var result =
                room?.fetchResult(pushServer: "ws://\(Self.host(request))/webcast/im/ws_proxy/ws_reuse_supplement/", after: nil)
                ?? Webcast_ProtoMessageFetchResult()
            result.cursor = ""
            return Self.fetchResponse((try? result.serializedBytes()) ?? [])
        }
    }

    private static func fetchResponse(_ body: [UInt8]) -> Response {
        Response(
            status: .ok,
            headers: [
                .contentType: "application/protobuf",
                HTTPField.Name("X-Set-TT-Cookie")!: "ttwid=sim-ttwid-\(UInt32.random(in: 1...UInt32.max)); msToken=sim-mstoken",
                HTTPField.Name("X-Request-Id")!: UUID().uuidString,
            ],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: body))
        )
    }
}
