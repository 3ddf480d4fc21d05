import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import SwiftProtobuf

// The web and webcast JSON endpoints and the FLV CDN (protocol.md §1–2), with the faults of ``WebFaults``.

extension TikTokSimulator {
    func addWebRoutes(to router: Router<BasicRequestContext>) {
        router.get("/api-live/user/room/") { request, _ -> Response in
            let (refusal, fault) = self.applyWebFaults(.userRoomAPI, request)
            if let refusal { return refusal }
            let uniqueID = request.uri.queryParameters.get("uniqueId") ?? ""
            guard fault != .userNotFound, let room = self.room(uniqueID: uniqueID) else {
                if let fault { self.recordWebFault(fault, .userRoomAPI) }
                return Self.json(["statusCode": 10221, "message": "user_not_found", "data": NSNull()])
            }
            let creator = room.creator
            let status = room.status
            let user: [String: Any] = [
                "id": String(creator.userID), "uniqueId": creator.uniqueID, "nickname": creator.nickname,
                "secUid": Self.secUID(creator), "signature": "simulated creator",
                "avatarLarger": "", "status": status, "followStatus": 0,
                // TikTok keeps the last room id on an offline user; only status tells whether it is live.
                "roomId": room.hasBeenLive ? String(room.roomID) : "",
            ]
            return Self.json([
                "statusCode": 0, "message": "",
                "data": [
                    "user": user,
                    "stats": ["followerCount": Self.followerCount, "followingCount": Self.followingCount],
                    "liveRoom": [
                        "title": Self.liveTitle, "startTime": room.startTime, "status": status,
                        "liveRoomStats": ["userCount": status != 4 ? Self.viewerCount : 0, "enterCount": 654],
                    ],
                ],
            ])
        }

        self.addLivePageRoutes(to: router)

        // `:stream`, as the HLS routes (`/game/:stream/:file`) name the same path segment.
        router.get("/game/:stream") { request, context -> Response in
            let (refusal, _) = self.applyWebFaults(.cdn, request)
            if let refusal { return refusal }
            let file = context.parameters.get("stream") ?? ""
            guard file.hasPrefix("stream-"), file.hasSuffix(".flv"),
                case let name = file.dropFirst("stream-".count).dropLast(".flv".count),
                case let digits = name.prefix(while: \.isNumber),
                Self.cdnSuffixes.contains(String(name.dropFirst(digits.count))),
                let streamID = Int64(digits),
                let room = self.room(streamID: streamID)
            else { return Response(status: .notFound) }
            let expire = Int64(request.uri.queryParameters.get("expire") ?? "") ?? 0
            guard expire > Int64(Date().timeIntervalSince1970) else { return Response(status: .forbidden) }
            // Every quality is the room's test stream in the codec its label says; audio-only is the room's own stream.
            let suffix = String(name.dropFirst(digits.count))
            let labelled = Self.rendition(suffix: suffix, in: room)?.videoCodec ?? room.creator.video.codec
            let codec = request.uri.queryParameters.get("only_audio") == "1" ? room.creator.video.codec : labelled
            guard let broadcast = try? await room.broadcast(codec: codec, logger: self.logger) else {
                return Response(status: .notFound)
            }
            let connectedAt = Date().timeIntervalSince1970
            broadcast.watchTimestampJumps(from: self.cdnFaults, groundTruth: self.groundTruth)
            let faults = self.cdnFaults.takeViewerFaults()
            for name in faults.names { self.groundTruth.recordFault(name) }
            let chunks = broadcast.subscribe(duplicatePreviousGOP: faults.duplicatePreviousGOP, burstSeconds: faults.burstSeconds)
            let served = self.groundTruth.beginStream(roomID: room.roomID)
            let truth = self.groundTruth
            return Response(
                status: .ok,
                headers: [.contentType: "video/x-flv", .cacheControl: "no-cache"],
                body: ResponseBody { writer in
                    try await LiveBroadcast.serve(chunks, faults: faults, connectedAt: connectedAt) { chunk in
                        try await writer.write(ByteBuffer(bytes: chunk.bytes))
                        if let first = chunk.firstTimestamp { truth.recordServed(index: served, timestamp: first) }
                        if let last = chunk.lastTimestamp { truth.recordServed(index: served, timestamp: last) }
                    }
                    try await writer.finish(nil)
                }
            )
        }
    }

    func addWebcastRoutes(to router: Router<BasicRequestContext>) {
        router.get("/webcast/room/info/") { request, _ -> Response in
            let (refusal, fault) = self.applyWebFaults(.roomInfo, request)
            if let refusal { return refusal }
            let roomID = request.uri.queryParameters.get("room_id") ?? ""
            guard let room = self.room(roomID: roomID) else {
                return Self.json(["data": ["message": "room not found"], "extra": ["now": Self.nowMilliseconds], "status_code": 30003])
            }
            if let fault, let restricted = self.restrictedRoomAnswer(fault, .roomInfo) { return restricted }
            return Self.json([
                "data": self.roomJSON(room, host: Self.host(request)), "extra": ["now": Self.nowMilliseconds], "status_code": 0,
            ])
        }

        router.get("/webcast/room/info_by_user/") { request, _ -> Response in
            let (refusal, fault) = self.applyWebFaults(.roomInfoByUser, request)
            if let refusal { return refusal }
            let uniqueID = request.uri.queryParameters.get("unique_id") ?? ""
            guard fault != .userNotFound, let room = self.room(uniqueID: uniqueID) else {
                if let fault { self.recordWebFault(fault, .roomInfoByUser) }
                return Self.json([
                    "data": ["message": "user_not_found", "prompts": "Couldn't find this account"],
                    "extra": ["now": Self.nowMilliseconds], "status_code": 10221,
                ])
            }
            if let fault, let restricted = self.restrictedRoomAnswer(fault, .roomInfoByUser) { return restricted }
            guard room.hasBeenLive else {
                // As TikTok answers for a room that is gone.
                return Self.json([
                    "data": ["message": "room has finished", "prompts": "This LIVE video has ended"],
                    "extra": ["now": Self.nowMilliseconds], "status_code": 30003,
                ])
            }
            return Self.json([
                "data": self.roomJSON(room, host: Self.host(request)), "extra": ["now": Self.nowMilliseconds], "status_code": 0,
            ])
        }

        router.get("/webcast/room/check_alive/") { request, _ -> Response in
            self.checkAlive(request, roomIDs: request.uri.queryParameters.get("room_ids") ?? "")
        }

        // The form TikTok's web and some recorders use: `room_ids=<id>,<id>,…` in an urlencoded body.
        router.post("/webcast/room/check_alive/") { request, _ -> Response in
            var request = request
            let body = try await request.collectBody(upTo: 64 * 1024)
            let form = Self.formFields(String(buffer: body))
            return self.checkAlive(request, roomIDs: form["room_ids"] ?? request.uri.queryParameters.get("room_ids") ?? "")
        }

        self.addCatalogueRoutes(to: router)
        self.addFeedRoutes(to: router)
    }

    /// The `check_alive` answer for a comma-separated list of room ids, after the budget and faults: each room the
    /// simulator knows, live or paused (`alive: true`) or ended, by its `room_id_str`; an id it never had is left out.
    /// Under ``WebFaults/Fault/phantomAlive`` every id asked is alive.
    func checkAlive(_ request: Request, roomIDs list: String) -> Response {
        let (refusal, fault) = self.applyWebFaults(.checkAlive, request)
        if let refusal { return refusal }
        let ids = list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        if fault == .phantomAlive { self.recordWebFault(.phantomAlive, .checkAlive) }
        let data: [[String: Any]] = ids.compactMap { id in
            if fault == .phantomAlive { return ["alive": true, "room_id": Int64(id) ?? 0, "room_id_str": id] }
            if let room = self.room(roomID: id) { return ["alive": room.isOnAir, "room_id": room.roomID, "room_id_str": id] }
            guard let number = Int64(id), self.rooms.contains(where: { $0.hadRoomID(number) }) else { return nil }
            return ["alive": false, "room_id": number, "room_id_str": id]
        }
        return Self.json(["data": data, "extra": ["now": Self.nowMilliseconds], "status_code": 0])
    }

    /// The fields of an `application/x-www-form-urlencoded` body (`+` is a space; the last of a repeated name wins).
    static func formFields(_ body: String) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in body.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decoded(_ text: Substring) -> String {
                let spaced = text.replacingOccurrences(of: "+", with: " ")
                return spaced.removingPercentEncoding ?? spaced
            }
            fields[decoded(parts[0])] = parts.count > 1 ? decoded(parts[1]) : ""
        }
        return fields
    }

    // MARK: - Faults

    /// Counts the request against the budget and applies the endpoint's fault: a transport-level one is answered
    /// here (the response is returned); a room or user one is returned for the route to shape its answer.
    func applyWebFaults(_ endpoint: WebFaults.Endpoint, _ request: Request) -> (refusal: Response?, fault: WebFaults.Fault?) {
        let fault = self.webFaults.fault(for: endpoint)
        if WebFaults.Endpoint.web.contains(endpoint) {
            self.groundTruth.recordWebRequest(endpoint, refusal: fault.flatMap { $0.isTransportLevel ? $0.name : nil })
        }
        guard let fault else { return (nil, nil) }
        guard fault.isTransportLevel else { return (nil, fault) }
        self.recordWebFault(fault, endpoint)
        return (Self.response(for: fault, host: Self.host(request), path: request.uri.path), nil)
    }

    func recordWebFault(_ fault: WebFaults.Fault, _ endpoint: WebFaults.Endpoint) {
        self.groundTruth.recordFault("web.\(fault.name) \(endpoint.rawValue)")
    }

    /// The room answer for an age-restricted, follower-only or private live (protocol.md §1.4), or `nil` for other faults.
    func restrictedRoomAnswer(_ fault: WebFaults.Fault, _ endpoint: WebFaults.Endpoint) -> Response? {
        let data: [String: Any]
        let code: Int
        switch fault {
        case .ageRestricted(let restriction) where restriction == 10011:
            (data, code) = (["message": "Request params error", "prompts": "Request params error"], 10011)
        case .ageRestricted(let restriction):
            (data, code) = (["prompts": ""], restriction)
        case .followersOnly:
            (data, code) = (["message": "no permission", "prompts": "Follow the creator to watch their LIVE"], 4_003_110)
        case .privateAccount:
            (data, code) = (["message": "no permission", "prompts": "This account is private"], 4_003_110)
        default:
            return nil
        }
        self.recordWebFault(fault, endpoint)
        return Self.json(["data": data, "extra": ["now": Self.nowMilliseconds], "status_code": code])
    }

    /// TikTok's answer for a transport-level fault.
    static func response(for fault: WebFaults.Fault, host: String, path: String) -> Response {
        switch fault {
        case .wafChallenge:
            let challenge = String(format: "%016llx", UInt64.random(in: 0...UInt64.max))
            return Self.html(
                """
                <!DOCTYPE html><html><head><meta charset="utf-8"><title>Please wait...</title></head>
                <body><p>Please wait...</p><script>setTimeout(function(){location.reload()},1000)</script></body></html>
                """,
                headers: [.setCookie: "_wafchallengeid=\(challenge); Path=/; Max-Age=600; HttpOnly"]
            )
        case .captcha:
            return Self.html(
                """
                <!DOCTYPE html><html><head><meta charset="utf-8"><title>Security Check</title></head>
                <body><div id="tiktok-verify-page"><div class="captcha_verify_container">
                <p>Drag the slider to fit the puzzle</p></div></div></body></html>
                """
            )
        case .forbidden:
            return Response(
                status: .forbidden, headers: [.contentType: "text/html"], body: ResponseBody(byteBuffer: ByteBuffer(string: "")))
        case .rateLimited(let retryAfter):
            return Response(status: .tooManyRequests, headers: [.retryAfter: String(retryAfter)])
        case .countryBlocked:
            let from = path.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
            return Response(status: .found, headers: [.location: "http://\(host)/unavailable?from=\(from)"])
        case .ageRestricted, .followersOnly, .privateAccount, .userNotFound, .phantomAlive:
            return Response(status: .internalServerError)
        }
    }

    // MARK: - Shared values and helpers

    /// The file-name suffixes the CDN serves after `stream-<stream id>` (protocol.md §2.1): every quality.
    static let cdnSuffixes: Set<String> = ["", "_or4", "_uhd560", "_uhd5", "_hd560", "_hd5", "_sd5", "_ld5"]
    static let liveTitle = "Simulated live"
    static let followerCount = 12345
    static let followingCount = 42
    static let viewerCount = 321

    static func secUID(_ creator: SimulatorScenario.Creator) -> String { "MS4wLjABAAAA-sim-\(creator.userID)" }

    static var nowMilliseconds: Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

    static func host(_ request: Request) -> String {
        request.head.authority ?? "127.0.0.1"
    }

    static func jsonText(_ object: Any) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.withoutEscapingSlashes])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    static func json(_ object: Any, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status,
            headers: [.contentType: "application/json; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: Self.jsonText(object)))
        )
    }

    static func html(_ text: String, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.contentType] = "text/html; charset=utf-8"
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
}
