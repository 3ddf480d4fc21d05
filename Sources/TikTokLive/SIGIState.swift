import Foundation

/// The part of a live page's `SIGI_STATE` JSON this library reads (protocol.md §1.2(a)).
///
/// `LiveRoom` is missing when the user never went live, cannot go live, or does not exist.
struct SIGIState: Decodable {
    struct LiveRoomModule: Decodable {
        struct UserInfo: Decodable {
            // The live page's user and stats have the JSON API's shape.
            typealias User = APILiveUserRoomResponse.DataBody.User
            typealias Stats = APILiveUserRoomResponse.DataBody.Stats
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
