extension LiveEvent {
    /// The fields of a gift message (protocol.md §4.6, §5), and how it counts towards the room's diamonds.
    ///
    /// A streakable gift (``giftType`` 1, e.g. Rose) arrives as several frames while the viewer keeps tapping; it
    /// is worth ``repeatCount`` × ``diamondCount`` once, at the end. ``GiftStreakTracker`` decides that and sets
    /// ``streak`` and ``countedDiamonds``, so summing ``countedDiamonds`` over all gift events gives the total.
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
        /// Where this frame stands in its streak.
        public var streak: Streak
        /// The diamonds this event adds to the room's total: non-`nil` exactly on the event where the gift is
        /// counted (set by ``GiftStreakTracker``; `nil` on every event it has not seen).
        public var countedDiamonds: Int64?

        /// Creates a gift value; without an explicit `streak`, it is derived from `giftType` and `repeatEnd`
        /// (``Streak/single``, ``Streak/ended`` or ``Streak/inProgress``).
        public init(
            giftID: Int64, giftName: String, giftType: Int64, diamondCount: Int64, repeatCount: Int64,
            repeatEnd: Bool, groupID: Int64, streak: Streak? = nil, countedDiamonds: Int64? = nil
        ) {
            self.giftID = giftID
            self.giftName = giftName
            self.giftType = giftType
            self.diamondCount = diamondCount
            self.repeatCount = repeatCount
            self.repeatEnd = repeatEnd
            self.groupID = groupID
            self.streak = streak ?? (giftType != 1 ? .single : repeatEnd ? .ended : .inProgress)
            self.countedDiamonds = countedDiamonds
        }

        /// Whether TikTok sends this gift as a streak of frames (gift type 1).
        public var isStreakable: Bool { self.giftType == 1 }

        /// Where a gift frame stands in its streak. Its raw value is the JSON `streak` value.
        public enum Streak: String, Sendable, Equatable, CaseIterable {
            /// A gift that does not streak: counted as soon as it arrives.
            case single
            /// A frame of a streak that is still going: not counted yet.
            case inProgress
            /// The frame that ends a streak: the whole streak is counted here.
            case ended
            /// Made up by ``GiftStreakTracker`` for a streak whose end never came (timeout or end of the live):
            /// counted here with the last repeat count seen.
            case closedUnconfirmed
            /// An end frame that came after its streak was closed as unconfirmed: counts only the repeats the
            /// close had not seen (usually none).
            case lateEnd
        }
    }
}
