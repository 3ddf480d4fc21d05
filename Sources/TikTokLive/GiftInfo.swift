/// One gift of TikTok's catalogue (`/webcast/gift/list/`), to name and price a `gift_id` from the event feed.
public struct GiftInfo: Sendable, Equatable {
    /// The gift id, as gift events carry it.
    public var id: Int64
    /// The gift's name, such as `Rose`.
    public var name: String
    /// Price in diamonds (coins) for one.
    public var diamondCount: Int64
    /// TikTok's gift type; 1 is streakable (sent in combos that end with `repeat_end`).
    public var type: Int
    /// TikTok's description text, if any.
    public var describe: String
    /// The first image URL, if any.
    public var imageURL: String?

    /// Whether the gift is sent in streaks (type 1), so it must be counted at the streak's end.
    public var isStreakable: Bool { self.type == 1 }

    /// Creates a gift value.
    public init(id: Int64, name: String, diamondCount: Int64, type: Int, describe: String = "", imageURL: String? = nil) {
        self.id = id
        self.name = name
        self.diamondCount = diamondCount
        self.type = type
        self.describe = describe
        self.imageURL = imageURL
    }
}
