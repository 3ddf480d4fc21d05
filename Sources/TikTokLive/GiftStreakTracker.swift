/// Counts gifts the way TikTok means them (protocol.md §5): a streakable gift (type 1) once, on its `repeat_end`
/// frame, as `repeat_count × diamond_count`; any other gift at once.
///
/// Run every event through ``process(_:at:)`` in arrival order. Gift events come back annotated
/// (``LiveEvent/Gift/streak`` and ``LiveEvent/Gift/countedDiamonds``), so summing `countedDiamonds` over the
/// returned events gives the room's diamonds without double counting. A streak whose end frame never comes is
/// closed after ``timeout`` without an update (checked on every call, or with ``expire(at:)``) or at ``finish()``:
/// the tracker then makes up a closing event (``LiveEvent/Gift/Streak/closedUnconfirmed``, message id 0) from
/// the streak's last frame, counted with its last repeat count. An end frame that arrives after such a close
/// counts only the repeats the close missed.
///
/// Pure logic: time is the caller's clock reading, so it never sleeps or blocks. Memory is bounded: at most
/// `capacity` open streaks (the stalest is closed early when a new one would exceed it) and `capacity`
/// remembered closed streaks.
public struct GiftStreakTracker: Sendable {
    /// How long a streak may go without a frame before it is closed as unconfirmed.
    public var timeout: Duration
    /// The most open streaks, and the most remembered closed streaks, kept at once.
    public let capacity: Int

    /// A streak's identity: who sends which gift in which combo group.
    private struct Key: Hashable {
        var userID: String
        var giftID: Int64
        var groupID: Int64
    }

    private struct OpenStreak {
        /// The streak's latest frame.
        var last: LiveEvent
        var gift: LiveEvent.Gift
        var lastSeen: ContinuousClock.Instant
        /// Repeats already counted by an earlier close of the same streak.
        var countedRepeats: Int64
    }

    private struct ClosedStreak {
        var countedRepeats: Int64
        var confirmed: Bool
    }

    private var open: [Key: OpenStreak] = [:]
    /// No open streak was last seen before this (a lower bound), so ``expire(at:)`` scans only when one may be due.
    private var earliestLastSeen: ContinuousClock.Instant?
    private var closed: [Key: ClosedStreak] = [:]
    /// Closed keys, oldest first, to forget the oldest when `closed` is full.
    private var closedOrder: [Key] = []
    private var closedOldest = 0

    /// Creates a tracker.
    /// - Parameters:
    ///   - timeout: how long a streak may go without a frame before it is closed as unconfirmed (default 15 s).
    ///   - capacity: the most open streaks, and the most remembered closed streaks (default 10 000).
    public init(timeout: Duration = .seconds(15), capacity: Int = 10_000) {
        precondition(capacity > 0, "GiftStreakTracker capacity must be positive")
        self.timeout = timeout
        self.capacity = capacity
    }

    /// The number of streaks still waiting for their end.
    public var openStreakCount: Int { self.open.count }

    /// Takes one event that arrived at `now` and returns what to pass on: first the closing events of streaks
    /// that timed out before `now`, then the event itself (annotated if it is a gift), then, if the event opened
    /// one streak too many, the closing event of the stalest streak.
    public mutating func process(_ event: LiveEvent, at now: ContinuousClock.Instant) -> [LiveEvent] {
        var output = self.expire(at: now)
        guard case .gift(var gift) = event.kind else {
            output.append(event)
            return output
        }
        guard gift.isStreakable else {
            gift.streak = .single
            gift.countedDiamonds = max(gift.repeatCount, 1) * gift.diamondCount
            output.append(Self.replacing(event, gift: gift))
            return output
        }
        let key = Key(userID: event.user?.id ?? "", giftID: gift.giftID, groupID: gift.groupID)
        let baseline = self.openOrClosedBaseline(for: key, gift: gift)
        if gift.repeatEnd {
            self.open[key] = nil
            let repeats = gift.repeatCount - baseline
            gift.streak = baseline > 0 ? .lateEnd : .ended
            gift.countedDiamonds = baseline > 0 && repeats <= 0 ? nil : max(repeats, 0) * gift.diamondCount
            self.remember(key, ClosedStreak(countedRepeats: max(gift.repeatCount, baseline), confirmed: true))
            output.append(Self.replacing(event, gift: gift))
            return output
        }
        gift.streak = .inProgress
        gift.countedDiamonds = nil
        let annotated = Self.replacing(event, gift: gift)
        self.open[key] = OpenStreak(last: annotated, gift: gift, lastSeen: now, countedRepeats: baseline)
        self.earliestLastSeen = min(self.earliestLastSeen ?? now, now)
        output.append(annotated)
        if self.open.count > self.capacity, let stalest = self.open.min(by: { $0.value.lastSeen < $1.value.lastSeen })?.key {
            output += self.close([stalest])
        }
        return output
    }

    /// Closes, as unconfirmed, every streak with no frame for ``timeout`` up to `now`, and returns the closing
    /// events (oldest first). ``process(_:at:)`` calls it too; call it on a timer when events are sparse.
    public mutating func expire(at now: ContinuousClock.Instant) -> [LiveEvent] {
        guard let earliest = self.earliestLastSeen, now - earliest >= self.timeout else { return [] }
        let stale = self.open.filter { now - $0.value.lastSeen >= self.timeout }.map(\.key)
        let closed = self.close(stale)
        self.earliestLastSeen = self.open.values.map(\.lastSeen).min()
        return closed
    }

    /// Closes every open streak as unconfirmed (the live ended) and returns the closing events, oldest first.
    public mutating func finish() -> [LiveEvent] {
        self.earliestLastSeen = nil
        return self.close(Array(self.open.keys))
    }

    // MARK: - Internals

    /// Repeats of this streak that were already counted: by a close as unconfirmed that this frame continues,
    /// or by a confirmed end that this frame repeats. A frame that cannot belong to the closed streak starts afresh.
    private mutating func openOrClosedBaseline(for key: Key, gift: LiveEvent.Gift) -> Int64 {
        if let streak = self.open[key] { return streak.countedRepeats }
        guard let closed = self.closed[key] else { return 0 }
        if closed.confirmed {
            // Only a second copy of the end frame belongs to a streak that ended properly.
            return gift.repeatEnd && gift.repeatCount <= closed.countedRepeats ? closed.countedRepeats : 0
        }
        return gift.repeatCount >= closed.countedRepeats ? closed.countedRepeats : 0
    }

    private mutating func close(_ keys: [Key]) -> [LiveEvent] {
        let streaks = keys.compactMap { key in self.open.removeValue(forKey: key).map { (key, $0) } }
            .sorted { $0.1.lastSeen < $1.1.lastSeen }
        return streaks.map { key, streak in
            var gift = streak.gift
            let repeats = gift.repeatCount - streak.countedRepeats
            gift.streak = .closedUnconfirmed
            gift.countedDiamonds = max(repeats, 0) * gift.diamondCount
            self.remember(key, ClosedStreak(countedRepeats: max(gift.repeatCount, streak.countedRepeats), confirmed: false))
            var event = Self.replacing(streak.last, gift: gift)
            event.msgID = 0
            return event
        }
    }

    private mutating func remember(_ key: Key, _ streak: ClosedStreak) {
        if self.closed.updateValue(streak, forKey: key) != nil { return }
        if self.closedOrder.count < self.capacity {
            self.closedOrder.append(key)
        } else {
            self.closed[self.closedOrder[self.closedOldest]] = nil
            self.closedOrder[self.closedOldest] = key
            self.closedOldest = (self.closedOldest + 1) % self.capacity
        }
    }

    private static func replacing(_ event: LiveEvent, gift: LiveEvent.Gift) -> LiveEvent {
        var event = event
        event.kind = .gift(gift)
        return event
    }
}
