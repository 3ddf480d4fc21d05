import Foundation
import Hummingbird

// The feeds of live rooms, in pages (protocol.md §1.5): the recommended lives (`channel_id=86`, or none) and the
// Following live feed of a logged-in session (`channel_id=42`, service.md Part 2 §2b).

extension TikTokSimulator {
    /// Rooms per feed page: small, so a handful of creators already needs several pages.
    static let feedPageSize = 2
    /// The `max_time` of the first page; each page's cursor counts down from it by the rooms already listed.
    static let feedEpoch: Int64 = 1_700_000_000_000
    /// The `channel_id` of the Following live feed.
    static let followingChannelID = "42"

    func addFeedRoutes(to router: Router<BasicRequestContext>) {
        router.get("/webcast/feed/") { request, _ -> Response in
            let (refusal, _) = self.applyWebFaults(.feed, request)
            if let refusal { return refusal }
            let onAir = self.rooms.filter(\.isOnAir).sorted { $0.roomID < $1.roomID }
            guard request.uri.queryParameters.get("channel_id") == Self.followingChannelID else {
                return self.feedPage(of: onAir, reason: "Recommended LIVE", request: request)
            }
            guard Self.hasSessionCookie(request) else {
                // TikTok's answer to an anonymous (or unsigned) Following feed request.
                return Self.json([
                    "data": ["message": "Request params error", "prompts": "Log in to see the LIVEs of accounts you follow"],
                    "extra": ["now": Self.nowMilliseconds], "status_code": 10011,
                ])
            }
            return self.feedPage(of: onAir.filter(\.creator.followed), reason: "Following", request: request)
        }
    }

    /// One page of `rooms` after the request's `max_time`, in the feed's item shape.
    private func feedPage(of rooms: [SimulatedRoom], reason: String, request: Request) -> Response {
        var offset = 0
        if let text = request.uri.queryParameters.get("max_time"), let maxTime = Int64(text), maxTime <= Self.feedEpoch {
            offset = Int(min(Self.feedEpoch - maxTime, Int64(rooms.count)))
        }
        let page = rooms.dropFirst(offset).prefix(Self.feedPageSize)
        let next = offset + page.count
        let host = Self.host(request)
        let items = page.map { room -> [String: Any] in
            [
                "data": self.roomJSON(room, host: host), "rid": String(room.roomID), "type": 0,
                "live_reason": reason, "debug_info": "", "is_pseudo_living": false, "is_recommend_card": false,
            ]
        }
        return Self.json([
            "data": items,
            "extra": [
                "has_more": next < rooms.count, "max_time": Self.feedEpoch - Int64(next), "min_time": 0,
                "now": Self.nowMilliseconds, "total": rooms.count, "cost": 0,
            ],
            "status_code": 0,
        ])
    }

    /// Whether the request carries a non-empty `sessionid` cookie (a logged-in viewer).
    static func hasSessionCookie(_ request: Request) -> Bool {
        request.headers[values: .cookie].contains { header in
            header.split(separator: ";").contains { cookie in
                let pair = cookie.trimmingCharacters(in: .whitespaces)
                return pair.hasPrefix("sessionid=") && pair.count > "sessionid=".count
            }
        }
    }
}
