import TikTokLive

/// A live event placed on the recording's timeline.
public struct TimedEvent: Sendable {
    /// The event.
    public var event: LiveEvent
    /// Seconds from the start of the video; `nil` when no video was ever received.
    public var videoTime: Double?
    /// Local Unix time in ms when the event arrived.
    public var receivedAt: Int64

    /// Creates a timed event.
    public init(event: LiveEvent, videoTime: Double?, receivedAt: Int64) {
        self.event = event
        self.videoTime = videoTime
        self.receivedAt = receivedAt
    }

    /// The JSON Lines record: the event's schema fields, then `videoTime` (seconds, 3 decimals) and `receivedAt`.
    public var jsonLine: String {
        let fields =
            self.event.jsonFields + [
                ("videoTime", self.videoTime.map { JSONValue.double($0) } ?? .null),
                ("receivedAt", .int(self.receivedAt)),
            ]
        return JSONValue.object(fields).serialized()
    }

    /// The subtitle text for this event, or `nil` for events that are not shown on screen (joins, viewers, …).
    public var cueText: String? {
        let name = self.event.user.map { $0.nickname.isEmpty ? $0.uniqueID : $0.nickname } ?? "?"
        switch self.event.kind {
        case .chat(let comment):
            return "\(name): \(comment)"
        case .gift(let gift) where [.single, .ended, .closedUnconfirmed].contains(gift.streak):
            let name = gift.giftName.isEmpty ? "gift \(gift.giftID)" : gift.giftName
            return "\(self.event.user?.nickname ?? "?") sent \(name) ×\(max(gift.repeatCount, 1))"
        case .follow:
            return "\(name) followed"
        case .share:
            return "\(name) shared the LIVE"
        default:
            return nil
        }
    }
}
