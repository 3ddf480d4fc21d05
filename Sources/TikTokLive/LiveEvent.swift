/// One event from a live room, decoded from TikTok's protobuf into plain values.
///
/// Its JSON form (``LiveEvent/jsonFields``) is the schema of the recorder's `.chat.jsonl` and of
/// `tiktok-recorder replay`; the README documents it.
public struct LiveEvent: Sendable, Equatable {
    /// The protobuf method name, e.g. `WebcastChatMessage`.
    public var method: String
    /// TikTok's message id: the de-duplication key.
    public var msgID: Int64
    /// Server time the event was created, Unix milliseconds (0 if TikTok sent none).
    public var createTime: Int64
    /// Whether TikTok marked this as a replay of history (comments shown on join).
    public var isHistory: Bool
    /// The user the event is about (sender, joiner, liker), if any.
    public var user: EventUser?
    /// What happened.
    public var kind: Kind

    /// Creates an event value.
    public init(method: String, msgID: Int64, createTime: Int64, isHistory: Bool, user: EventUser?, kind: Kind) {
        self.method = method
        self.msgID = msgID
        self.createTime = createTime
        self.isHistory = isHistory
        self.user = user
        self.kind = kind
    }

    /// What happened, with the fields that matter for each type.
    public enum Kind: Sendable, Equatable {
        /// A comment.
        case chat(comment: String)
        /// A gift message (one frame of a streak, or a single gift).
        case gift(Gift)
        /// A batch of likes.
        case like(likes: Int64, totalLikes: Int64)
        /// A viewer joined.
        case join(memberCount: Int64)
        /// A viewer followed the host.
        case follow
        /// A viewer shared the live.
        case share
        /// The viewer count changed.
        case viewers(current: Int64, total: Int64)
        /// The stream's state changed: 1 paused, 2 resumed, 3 ended, 4 ended by TikTok.
        case control(action: Int64)
        /// A moderator deleted messages.
        case delete(messageIDs: [Int64], userIDs: [Int64])
        /// A message type this library does not decode; the raw protobuf payload is kept.
        case unknown(payload: [UInt8])
    }

    /// The fields of a gift message (protocol.md §4.6, §5).
    public struct Gift: Sendable, Equatable {
        /// Gift id.
        public var giftID: Int64
        /// Gift name, e.g. `Rose`.
        public var giftName: String
        /// 1 = streakable.
        public var giftType: Int64
        /// Price of one gift in diamonds.
        public var diamondCount: Int64
        /// Streak count so far.
        public var repeatCount: Int64
        /// Whether this frame ends the streak.
        public var repeatEnd: Bool
        /// Streak group id.
        public var groupID: Int64

        /// Creates a gift value.
        public init(
            giftID: Int64, giftName: String, giftType: Int64, diamondCount: Int64, repeatCount: Int64,
            repeatEnd: Bool, groupID: Int64
        ) {
            self.giftID = giftID
            self.giftName = giftName
            self.giftType = giftType
            self.diamondCount = diamondCount
            self.repeatCount = repeatCount
            self.repeatEnd = repeatEnd
            self.groupID = groupID
        }
    }

    /// The schema's `type` value.
    public var type: String {
        switch self.kind {
        case .chat: "chat"
        case .gift: "gift"
        case .like: "like"
        case .join: "join"
        case .follow: "follow"
        case .share: "share"
        case .viewers: "viewers"
        case .control: "control"
        case .delete: "delete"
        case .unknown: "unknown"
        }
    }

    /// Whether this event ends the live (control action 3 or 4).
    public var isStreamEnd: Bool {
        if case .control(let action) = self.kind { return action == 3 || action == 4 }
        return false
    }
}

/// The user an event is about.
public struct EventUser: Sendable, Equatable {
    /// Numeric id, as a string.
    public var id: String
    /// The @username.
    public var uniqueID: String
    /// Display name.
    public var nickname: String

    /// Creates a user value.
    public init(id: String, uniqueID: String, nickname: String) {
        self.id = id
        self.uniqueID = uniqueID
        self.nickname = nickname
    }
}
