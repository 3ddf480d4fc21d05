import Foundation

/// The part of a live page's `SIGI_STATE` JSON this library reads (protocol.md §1.2(a)).
///
/// `LiveRoom` is missing when the user never went live, cannot go live, or does not exist.
struct SIGIState: Decodable {
    struct LiveRoomModule: Decodable {
        struct UserInfo: Decodable {
            struct User: Decodable {
                var id: String?
                var uniqueId: String?
                var nickname: String?
                var secUid: String?
                var signature: String?
                var avatarLarger: String?
                var roomId: String?
                var status: Int?
            }
            struct Stats: Decodable {
                var followerCount: Int64?
                var followingCount: Int64?
            }
            struct LiveRoom: Decodable {
                struct Stats: Decodable {
                    var userCount: Int64?
                }
                struct Stream: Decodable {
                    var pull_data: PullData?
                }
                var status: Int?
                var title: String?
                var startTime: Int64?
                var liveRoomStats: Stats?
                var streamData: Stream?
                var hevcStreamData: Stream?
            }
            var user: User?
            var stats: Stats?
            var liveRoom: LiveRoom?
        }
        var liveRoomUserInfo: UserInfo?
    }

    var LiveRoom: LiveRoomModule?

    /// The JSON text of `<script id="SIGI_STATE" …>…</script>` in `html`, or `nil` when the page has none
    /// (a captcha, verify or block page).
    static func scriptText(in html: String) -> String? {
        guard let marker = html.range(of: "id=\"SIGI_STATE\""),
            let openEnd = html[marker.upperBound...].firstIndex(of: ">"),
            let close = html[openEnd...].range(of: "</script>")
        else { return nil }
        let text = html[html.index(after: openEnd)..<close.lowerBound]
        return text.isEmpty ? nil : String(text)
    }
}
