/// A TikTok user as the web API describes them, with their current live status.
public struct UserInfo: Sendable, Equatable {
    /// Numeric user id (as a string: ids exceed 2^53).
    public var id: String
    /// The @username, without the @.
    public var uniqueID: String
    /// Display name.
    public var nickname: String
    /// Follower count, if TikTok sent it.
    public var followerCount: Int64?
    /// The id of the user's current or last room; may be stale, so never read it as "live".
    public var roomID: String?
    /// Room status: 2 live, 3 paused, 4 ended (protocol.md §5).
    public var liveStatus: Int
    /// Whether the user is live right now (`liveStatus == 2`).
    public var isLive: Bool { self.liveStatus == RoomStatus.live }

    /// Creates a user value.
    public init(id: String, uniqueID: String, nickname: String, followerCount: Int64?, roomID: String?, liveStatus: Int) {
        self.id = id
        self.uniqueID = uniqueID
        self.nickname = nickname
        self.followerCount = followerCount
        self.roomID = roomID
        self.liveStatus = liveStatus
    }
}

/// Room status values used by every TikTok endpoint.
public enum RoomStatus {
    /// The room is live.
    public static let live = 2
    /// The host paused the live.
    public static let paused = 3
    /// The live has ended (or the user is offline).
    public static let ended = 4
}
