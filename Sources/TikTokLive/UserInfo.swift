/// A TikTok user as the web describes them, with their current live status.
///
/// Built from the JSON API (`/api-live/user/room/`) or, when that is refused, from the `SIGI_STATE` JSON of the
/// user's live page; ``source`` says which.
public struct UserInfo: Sendable, Equatable {
    /// Where the user's details came from.
    public enum Source: String, Sendable, Equatable {
        /// The JSON API `/api-live/user/room/`.
        case api
        /// The `SIGI_STATE` script of the `/@user/live` page.
        case livePage
    }

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
    /// Room status: 2 live, 3 paused, 4 ended (see ``RoomStatus``).
    public var liveStatus: Int
    /// Whether the user is live right now (`liveStatus == 2`).
    public var isLive: Bool { self.liveStatus == RoomStatus.live }
    /// How many accounts the user follows, if TikTok sent it.
    public var followingCount: Int64?
    /// The user's stable secondary id (`secUid`), if TikTok sent it.
    public var secUID: String?
    /// The profile text.
    public var signature: String
    /// The largest avatar image URL, if any.
    public var avatarURL: String?
    /// The current or last live's title, if any.
    public var liveTitle: String?
    /// Viewers in the room right now, if TikTok sent it.
    public var viewerCount: Int64?
    /// When the current or last live started (Unix seconds), if known.
    public var liveStartTime: Int64?
    /// Where these details came from.
    public var source: Source

    /// Creates a user value.
    public init(
        id: String, uniqueID: String, nickname: String, followerCount: Int64?, roomID: String?, liveStatus: Int,
        followingCount: Int64? = nil, secUID: String? = nil, signature: String = "", avatarURL: String? = nil,
        liveTitle: String? = nil, viewerCount: Int64? = nil, liveStartTime: Int64? = nil, source: Source = .api
    ) {
        self.id = id
        self.uniqueID = uniqueID
        self.nickname = nickname
        self.followerCount = followerCount
        self.roomID = roomID
        self.liveStatus = liveStatus
        self.followingCount = followingCount
        self.secUID = secUID
        self.signature = signature
        self.avatarURL = avatarURL
        self.liveTitle = liveTitle
        self.viewerCount = viewerCount
        self.liveStartTime = liveStartTime
        self.source = source
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
