/// A live room: its status, host and the stream variants it can be watched in.
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
    /// Every stream variant TikTok offered, best first.
    public var variants: [StreamVariant]

    /// Whether the room is live now.
    public var isLive: Bool { self.status == RoomStatus.live }

    /// Creates a room value.
    public init(
        id: String, status: Int, title: String, ownerUniqueID: String, ownerNickname: String, startTime: Int64?,
        variants: [StreamVariant]
    ) {
        self.id = id
        self.status = status
        self.title = title
        self.ownerUniqueID = ownerUniqueID
        self.ownerNickname = ownerNickname
        self.startTime = startTime
        self.variants = variants
    }
}
