/// A live room: its status, host, counters and the stream variants it can be watched in.
public struct RoomInfo: Sendable {
    /// The room id (string: ids exceed 2^53).
    public var id: String
    /// Room status (see ``RoomStatus``).
    public var status: Int
    /// Stream title.
    public var title: String
    /// The host's @username.
    public var ownerUniqueID: String
    /// The host's display name.
    public var ownerNickname: String
    /// When the live started, Unix seconds, if known.
    public var startTime: Int64?
    /// Every stream variant TikTok offered: the `stream_data` qualities best first, then the older
    /// `flv_pull_url` entries and the `hls_pull_url`, which ``StreamSelection`` uses as fallbacks.
    public var variants: [StreamVariant]
    /// The host's numeric user id, if TikTok sent it.
    public var ownerID: String?
    /// The host's follower count, if TikTok sent it.
    public var ownerFollowerCount: Int64?
    /// Viewers in the room now (`user_count`), if TikTok sent it.
    public var viewerCount: Int64?
    /// Viewers over the whole live (`stats.total_user`), if TikTok sent it.
    public var totalViewerCount: Int64?
    /// Likes so far, if TikTok sent it.
    public var likeCount: Int64?
    /// The stream id that appears in the CDN URLs, if TikTok sent it.
    public var streamID: String?
    /// Whether TikTok marks the live as 18+ (`age_restricted.restricted`).
    public var isAgeRestricted: Bool
    /// The `stream_url.default_resolution` code (such as `SD2`), if any.
    public var defaultResolution: String?

    /// Whether the room is live now.
    public var isLive: Bool { self.status == RoomStatus.live }

    /// Creates a room value.
    public init(
        id: String, status: Int, title: String, ownerUniqueID: String, ownerNickname: String, startTime: Int64?,
        variants: [StreamVariant], ownerID: String? = nil, ownerFollowerCount: Int64? = nil, viewerCount: Int64? = nil,
        totalViewerCount: Int64? = nil, likeCount: Int64? = nil, streamID: String? = nil, isAgeRestricted: Bool = false,
        defaultResolution: String? = nil
    ) {
        self.id = id
        self.status = status
        self.title = title
        self.ownerUniqueID = ownerUniqueID
        self.ownerNickname = ownerNickname
        self.startTime = startTime
        self.variants = variants
        self.ownerID = ownerID
        self.ownerFollowerCount = ownerFollowerCount
        self.viewerCount = viewerCount
        self.totalViewerCount = totalViewerCount
        self.likeCount = likeCount
        self.streamID = streamID
        self.isAgeRestricted = isAgeRestricted
        self.defaultResolution = defaultResolution
    }
}
