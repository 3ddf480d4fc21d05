/// One live room from one of TikTok's feeds of live rooms (`/webcast/feed/`: recommended, or Following).
///
/// ``roomID`` is what a caller passes on to track the room (its events, recording); ``room`` holds everything
/// the feed said about it, in the same shape as ``TikTokLiveClient/roomInfo(roomID:)``.
public struct FeedRoom: Sendable {
    /// The room id (the feed item's `rid`, else the room's `id_str`).
    public var roomID: String
    /// Why TikTok lists it (`live_reason`), if it said.
    public var liveReason: String?
    /// The room as the feed described it: host, title, viewers, status and stream variants.
    public var room: RoomInfo

    /// The host's @username.
    public var ownerUniqueID: String { self.room.ownerUniqueID }
    /// The stream title.
    public var title: String { self.room.title }

    /// Creates a feed entry.
    public init(roomID: String, liveReason: String?, room: RoomInfo) {
        self.roomID = roomID
        self.liveReason = liveReason
        self.room = room
    }
}
