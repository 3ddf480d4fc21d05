import LiveMedia
import TikTokLive

/// What one recorded live produced.
public struct SessionSummary: Sendable {
    /// The creator's @username.
    public var uniqueID: String
    /// The room recorded.
    public var roomID: String
    /// Which stream variant was recorded, and why.
    public var selection: StreamSelection
    /// The MP4 and its figures.
    public var media: RecordingSummary
    /// The JSON Lines event file.
    public var chatPath: String
    /// The WebVTT subtitle file.
    public var subtitlesPath: String
    /// Events written to the JSON Lines file.
    public var eventCount: Int
    /// Whether TikTok sent a stream-end control message (action 3 or 4).
    public var sawStreamEnd: Bool
    /// Why the event feed stopped early, if it failed (the video is unaffected).
    public var eventFeedError: String?
    /// Diamonds counted from the gifts written.
    public var diamonds: Int64 = 0
    /// Stretches of the live recorded without chat (the feed was down), each a `chatGap` record in the sidecar.
    public var chatGaps: Int = 0
    /// The plain (non-fragmented, faststart) copies written at the end, when the plan asked for them.
    public var plainCopies: [String] = []
}
