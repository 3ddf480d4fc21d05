import Hummingbird

// The feed of recommended live rooms, in pages (protocol.md §1.5).

extension TikTokSimulator {
    /// Rooms per feed page: small, so a handful of creators already needs several pages.
    static let feedPageSize = 2
    /// The `max_time` of the first page; each page's cursor counts down from it by the rooms already listed.
    static let feedEpoch: Int64 = 1_700_000_000_000

    func addFeedRoutes(to router: Router<BasicRequestContext>) {
        router.get("/webcast/feed/") { request, _ -> Response in
            let (refusal, _) = self.applyWebFaults(.feed, request)
            if let refusal { return refusal }
            let live = self.rooms.filter { $0.status == 2 }.sorted { $0.roomID < $1.roomID }
            var offset = 0
            if let text = request.uri.queryParameters.get("max_time"), let maxTime = Int64(text), maxTime <= Self.feedEpoch {
                offset = Int(min(Self.feedEpoch - maxTime, Int64(live.count)))
            }
            let page = live.dropFirst(offset).prefix(Self.feedPageSize)
            let next = offset + page.count
            let host = Self.host(request)
            let items = page.map { room -> [String: Any] in
                [
                    "data": self.roomJSON(room, host: host), "rid": String(room.roomID), "type": 0,
                    "live_reason": "Recommended LIVE", "debug_info": "", "is_pseudo_living": false, "is_recommend_card": false,
                ]
            }
            return Self.json([
                "data": items,
                "extra": [
                    "has_more": next < live.count, "max_time": Self.feedEpoch - Int64(next), "min_time": 0,
                    "now": Self.nowMilliseconds, "total": live.count, "cost": 0,
                ],
                "status_code": 0,
            ])
        }
    }
}
