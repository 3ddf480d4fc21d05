import Foundation
import Hummingbird

// The `/@{user}/live` HTML page with its `SIGI_STATE` script (protocol.md §1.2(a)), and the page a country block
// redirects to.

extension TikTokSimulator {
    func addLivePageRoutes(to router: Router<BasicRequestContext>) {
        router.get("/:handle/live") { request, context -> Response in
            let handle = context.parameters.get("handle") ?? ""
            // TikTok usernames are letters, digits, `_` and `.`; anything else is no user page.
            guard handle.hasPrefix("@"),
                handle.dropFirst().allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == ".") })
            else { return Response(status: .notFound) }
            let (refusal, fault) = self.applyWebFaults(.livePage, request)
            if let refusal { return refusal }
            let uniqueID = String(handle.dropFirst())
            if fault == .userNotFound { self.recordWebFault(.userNotFound, .livePage) }
            let room = fault == .userNotFound ? nil : self.room(uniqueID: uniqueID)
            return Self.html(self.livePageHTML(uniqueID: uniqueID, room: room, host: Self.host(request)))
        }

        router.get("/unavailable") { _, _ -> Response in
            Self.html(
                """
                <!DOCTYPE html><html><head><meta charset="utf-8"><title>TikTok LIVE</title></head>
                <body><p>TikTok LIVE is not available in your country or region.</p></body></html>
                """
            )
        }
    }

    /// The live page. `LiveRoom` is left out for a user who does not exist or never went live, as TikTok does.
    func livePageHTML(uniqueID: String, room: SimulatedRoom?, host: String) -> String {
        var state: [String: Any] = [
            "AppContext": ["appContext": ["language": "en", "region": "US", "user": [String: Any]()]],
            "SEOState": ["metaParams": ["title": "\(uniqueID) is LIVE - TikTok LIVE", "canonicalHref": "/@\(uniqueID)/live"]],
        ]
        if let room, room.hasBeenLive {
            let creator = room.creator
            let status = room.status
            var liveRoom: [String: Any] = [
                "coverUrl": "", "title": Self.liveTitle, "startTime": room.startTime, "status": status,
                "liveRoomStats": ["userCount": status != 4 ? Self.viewerCount : 0, "enterCount": 654],
                "streamId": String(room.streamID), "liveRoomMode": 0, "liveSubOnly": 0,
                "paidEvent": ["event_id": 0, "paid_type": 0],
            ]
            if status != 4 { liveRoom["streamData"] = ["pull_data": self.pullDataJSON(room, host: host)] }
            state["LiveRoom"] = [
                "liveRoomUserInfo": [
                    "user": [
                        "id": String(creator.userID), "uniqueId": creator.uniqueID, "nickname": creator.nickname,
                        "secUid": Self.secUID(creator), "signature": "simulated creator", "avatarLarger": "",
                        "roomId": String(room.roomID), "status": status, "followStatus": 0, "secret": false, "verified": false,
                    ],
                    "stats": ["followerCount": Self.followerCount, "followingCount": Self.followingCount],
                    "liveRoom": liveRoom,
                ],
                "isAgeGateRoom": false,
                "liveRoomStatus": status,
            ]
        }
        // Default JSON escaping writes `/` as `\/`, so no `</script>` can appear inside the script.
        let data = (try? JSONSerialization.data(withJSONObject: state)) ?? Data("{}".utf8)
        return """
            <!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>\(uniqueID) is LIVE - TikTok LIVE</title>
            <meta property="og:url" content="https://www.tiktok.com/@\(uniqueID)/live"></head>
            <body><div id="root"></div>
            <script id="SIGI_STATE" type="application/json">\(String(decoding: data, as: UTF8.self))</script>
            </body></html>
            """
    }
}
