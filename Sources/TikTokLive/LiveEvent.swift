/// One event from a live room, decoded from TikTok's protobuf into plain values.
///
/// Its JSON form (``LiveEvent/jsonFields``) is the schema of the recorder's `.chat.jsonl` and of
/// `tiktok-recorder replay`; the README documents it.
public struct LiveEvent: Sendable, Equatable {
    /// The protobuf method name, e.g. `WebcastChatMessage`.
    public var method: String
    /// TikTok's message id: the de-duplication key (0 for events this library makes up, such as a streak closed
    /// by ``GiftStreakTracker``).
    public var msgID: Int64
    /// Server time the event was created, Unix milliseconds (0 if TikTok sent none).
    public var createTime: Int64
    /// Whether TikTok marked this as a replay of history (comments shown on join).
    public var isHistory: Bool
    /// The user the event is about (sender, joiner, liker, asker, subscriber), if any.
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

    /// What happened, with the fields that matter for each type (protocol.md §4.6, §5).
    public enum Kind: Sendable, Equatable {
        /// A comment (empty for an emote-only comment).
        case chat(comment: String)
        /// A subscriber emote sent to the chat (`WebcastEmoteChatMessage`).
        case emoteChat(emoteIDs: [String])
        /// A gift message (one frame of a streak, or a single gift); see ``GiftStreakTracker`` for counting.
        case gift(Gift)
        /// A batch of likes, and the room's running total.
        case like(likes: Int64, totalLikes: Int64)
        /// A viewer joined; `memberCount` is the room's member count at that moment.
        case join(memberCount: Int64)
        /// A viewer followed the host.
        case follow
        /// A viewer shared the live.
        case share
        /// The viewer count changed: `current` viewers now, `total` over the whole live.
        case viewers(current: Int64, total: Int64)
        /// A viewer asked a question (Q&A).
        case question(id: Int64, text: String)
        /// The stream's state changed: 1 paused, 2 resumed, 3 ended, 4 ended by TikTok.
        case control(action: Int64)
        /// A line of system text shown in the chat (`WebcastRoomMessage`, `RoomMessage`, `WebcastSystemMessage`,
        /// `WebcastBottomMessage`).
        case room(text: String)
        /// A battle between hosts was started, changed or ended (`WebcastLinkMicBattle`).
        case micBattle(MicBattle)
        /// The running scores of a battle, per host (`WebcastLinkMicArmies`).
        case battle(BattleScores)
        /// A banner in the room; `json` is TikTok's banner data as JSON text.
        case roomBanner(json: String)
        /// The host's introduction of the live; ``LiveEvent/user`` is the host.
        case intro(roomID: Int64, text: String)
        /// A message was pinned or unpinned.
        case pin(PinnedMessage)
        /// The game the host is playing (experimental).
        case gameIntro(text: String)
        /// A viewer subscribed; `months` is how long they have been subscribed.
        case subscription(months: Int64)
        /// A treasure box ("envelope") appeared or went away (experimental).
        case envelope(Envelope)
        /// Progress of the host's LIVE goal (experimental).
        case goal(Goal)
        /// A poll started, its votes changed, or it ended (experimental).
        case poll(Poll)
        /// A live caption of what the host said (experimental).
        case caption(Caption)
        /// A moderator deleted messages.
        case delete(messageIDs: [Int64], userIDs: [Int64])
        /// A message type this library does not decode (or an experimental one, when they are off); the raw
        /// protobuf payload is kept.
        case unknown(payload: [UInt8])
    }

    /// The schema's `type` value.
    public var type: String {
        switch self.kind {
        case .chat: "chat"
        case .emoteChat: "emoteChat"
        case .gift: "gift"
        case .like: "like"
        case .join: "join"
        case .follow: "follow"
        case .share: "share"
        case .viewers: "viewers"
        case .question: "question"
        case .control: "control"
        case .room: "room"
        case .micBattle: "micBattle"
        case .battle: "battle"
        case .roomBanner: "roomBanner"
        case .intro: "intro"
        case .pin: "pin"
        case .gameIntro: "gameIntro"
        case .subscription: "subscription"
        case .envelope: "envelope"
        case .goal: "goal"
        case .poll: "poll"
        case .caption: "caption"
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
