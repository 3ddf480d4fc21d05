import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import SwiftProtobuf

// The web and webcast JSON endpoints and the FLV CDN (protocol.md §1–2).

extension TikTokSimulator {
    func addWebRoutes(to router: Router<BasicRequestContext>) {
        router.get("/api-live/user/room/") { request, _ -> Response in
            let uniqueID = request.uri.queryParameters.get("uniqueId") ?? ""
            guard let room = self.room(uniqueID: uniqueID) else {
                return Self.json(["statusCode": 10221, "message": "user_not_found", "data": NSNull()])
            }
            let creator = room.creator
            let status = room.status
            let user: [String: Any] = [
                "id": String(creator.userID), "uniqueId": creator.uniqueID, "nickname": creator.nickname,
                "secUid": "MS4wLjABAAAA-sim-\(creator.userID)", "signature": "simulated creator",
                "avatarLarger": "", "status": status, "followStatus": 0,
                // TikTok keeps the last room id on an offline user; only status tells whether it is live.
                "roomId": room.hasBeenLive ? String(creator.roomID) : "",
            ]
            return Self.json([
                "statusCode": 0, "message": "",
                "data": [
                    "user": user,
                    "stats": ["followerCount": 12345, "followingCount": 42],
                    "liveRoom": [
                        "title": "Simulated live", "startTime": room.startTime, "status": status,
                        "liveRoomStats": ["userCount": status == 2 ? 321 : 0, "enterCount": 654],
                    ],
                ],
            ])
        }

        router.get("/game/:file") { request, context -> Response in
            let file = context.parameters.get("file") ?? ""
            guard file.hasPrefix("stream-"), file.hasSuffix(".flv"),
                let streamID = Int64(file.dropFirst("stream-".count).prefix { $0.isNumber }),
                let room = self.room(streamID: streamID)
            else { return Response(status: .notFound) }
            let expire = Int64(request.uri.queryParameters.get("expire") ?? "") ?? 0
            guard expire > Int64(Date().timeIntervalSince1970) else { return Response(status: .forbidden) }
            guard let broadcast = room.broadcast else { return Response(status: .notFound) }
            let chunks = broadcast.subscribe()
            let served = self.groundTruth.beginStream(roomID: room.creator.roomID)
            let truth = self.groundTruth
            return Response(
                status: .ok,
                headers: [.contentType: "video/x-flv", .cacheControl: "no-cache"],
                body: ResponseBody { writer in
                    for await chunk in chunks {
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
            let roomID = request.uri.queryParameters.get("room_id") ?? ""
            guard let room = self.room(roomID: roomID) else {
                return Self.json(["data": ["message": "room not found"], "extra": ["now": Self.nowMilliseconds], "status_code": 30003])
            }
            return Self.json([
                "data": self.roomJSON(room, host: Self.host(request)), "extra": ["now": Self.nowMilliseconds], "status_code": 0,
            ])
        }

        router.get("/webcast/room/check_alive/") { request, _ -> Response in
            let ids = (request.uri.queryParameters.get("room_ids") ?? "").split(separator: ",").map(String.init)
            let data: [[String: Any]] = ids.compactMap { id in
                guard let room = self.room(roomID: id) else { return nil }
                return ["alive": room.status == 2, "room_id": room.creator.roomID, "room_id_str": id]
            }
            return Self.json(["data": data, "extra": ["now": Self.nowMilliseconds], "status_code": 0])
        }
    }

    private func roomJSON(_ room: SimulatedRoom, host: String) -> [String: Any] {
        let creator = room.creator
        let live = room.status == 2
        var data: [String: Any] = [
            "id": creator.roomID, "id_str": String(creator.roomID), "status": room.status,
            "title": "Simulated live", "create_time": room.startTime, "start_time": room.startTime,
            "user_count": live ? 321 : 0, "owner_user_id_str": String(creator.userID),
            "stream_id": room.streamID, "stream_id_str": String(room.streamID),
            "owner": [
                "id": creator.userID, "id_str": String(creator.userID), "display_id": creator.uniqueID,
                "nickname": creator.nickname, "follow_info": ["follower_count": 12345, "following_count": 42],
            ],
            "stats": ["total_user": 654, "like_count": 0, "enter_count": 654],
            "age_restricted": ["restricted": false],
        ]
        guard live else {
            data["stream_url"] = [String: Any]()
            return data
        }
        let expire = Int64(Date().timeIntervalSince1970) + 14 * 24 * 3600
        let sign = String(format: "%016llx%016llx", UInt64.random(in: 0...UInt64.max), UInt64.random(in: 0...UInt64.max))
        let flv = "http://\(host)/game/stream-\(room.streamID)_ld5.flv?expire=\(expire)&sign=\(sign)"
        let sdkParams = #"{"VCodec":"h264","resolution":"640x360","vbitrate":2000000,"stream_suffix":"ld5","gop":2}"#
        let streamData: [String: Any] = [
            "common": ["session_id": "178-sim", "user_count": 321],
            "data": ["ld": ["main": ["flv": flv, "hls": "", "cmaf": "", "dash": "", "lls": "", "sdk_params": sdkParams]]],
        ]
        data["stream_url"] = [
            "candidate_resolution": ["SD1"], "default_resolution": "SD1",
            "flv_pull_url": ["SD1": flv], "flv_pull_url_params": ["SD1": sdkParams],
            "hls_pull_url": "", "hls_pull_url_map": [String: String](),
            "resolution_name": ["SD1": "360p", "AUTO": "AUTO"],
            "id": room.streamID, "id_str": String(room.streamID),
            "live_core_sdk_data": [
                "pull_data": [
                    "options": [
                        "default_quality": ["name": "360p", "sdk_key": "ld", "level": 1],
                        "qualities": [["name": "360p", "sdk_key": "ld", "level": 1, "icon_type": 1, "resolution": "640x360"]],
                    ],
                    "stream_data": Self.jsonText(streamData),
                ]
            ],
        ]
        return data
    }

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
}
