/// One page of one of TikTok's feeds of live rooms (recommended, or Following), and how to ask for the next.
public struct LiveFeedPage: Sendable {
    /// The rooms on this page.
    public var rooms: [FeedRoom]
    /// Whether TikTok has more pages (`extra.has_more`).
    public var hasMore: Bool
    /// The `max_time` to pass for the next page; `nil` when there is none.
    public var nextMaxTime: Int64?

    /// Creates a page value.
    public init(rooms: [FeedRoom], hasMore: Bool, nextMaxTime: Int64?) {
        self.rooms = rooms
        self.hasMore = hasMore
        self.nextMaxTime = nextMaxTime
    }
}
