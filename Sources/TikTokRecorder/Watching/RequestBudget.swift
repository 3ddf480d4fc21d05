import Foundation

/// Token buckets per endpoint group and in total; a WAF/captcha/403/429 answer backs every group off.
///
/// It owns the request rate of one egress IP: a total bucket (capacity `C = max(1, rpm / 10)`, refill
/// `(rpm − C) / 60` per second, so `C + 60 × refill ≤ rpm`), one bucket per group holding that group's share of
/// it, a log of the takes of the last 60 s (which also enforces the limits as a hard cap and makes `usage`
/// exact), and the global block after TikTok refused a request.
public struct RequestBudget: Sendable {
    /// An endpoint group, budgeted separately within the total.
    public enum Group: String, Sendable, CaseIterable, Codable {
        /// api-live/user/room, the live page: the starts of lives.
        case userLookup
        /// webcast/room/info: confirmations.
        case roomInfo
        /// webcast/room/check_alive: ends of lives in progress.
        case checkAlive
        /// webcast/feed: the Following live list.
        case feed
        /// Gift list and anything else.
        case other

        /// The share of the total refill (and of the requests in any 60 s) this group may use.
        public var share: Double {
            self == .userLookup ? 0.8 : 0.5
        }
    }

    /// What the budget has used, for the status page.
    public struct Usage: Sendable, Equatable {
        /// The configured limit.
        public var requestsPerMinute: Int
        /// Takes in the last 60 s (all groups).
        public var usedLastMinute: Int
        /// Takes in the last 60 s per group (every group present, 0 when unused).
        public var usedLastMinuteByGroup: [Group: Int]
        /// The end of the current block; nil when not blocked.
        public var blockedUntil: Date?
        /// Consecutive blocks (reset by `succeeded`).
        public var blocks: Int
    }

    /// One request taken.
    private struct Take: Sendable {
        var date: Date
        var group: Group
    }

    /// The longest block, in seconds, before jitter.
    public static let maximumBlock: TimeInterval = 3600
    /// The first block, in seconds, before jitter.
    public static let firstBlock: TimeInterval = 60

    /// The limit in any 60 s window (at least 1).
    public private(set) var requestsPerMinute: Int
    private var total: TokenBucket
    private var groupBuckets: [Group: TokenBucket]
    /// Takes of the last 60 s, oldest first.
    private var takes: [Take] = []
    private var blockEnd: Date?
    private var blocks = 0
    private var generator: SeededGenerator

    /// A full budget of `requestsPerMinute` (at least 1) at `now`; `seed` fixes the block jitter.
    public init(requestsPerMinute: Int, now: Date, seed: UInt64 = 1) {
        let rpm = max(1, requestsPerMinute)
        self.requestsPerMinute = rpm
        let limits = Self.limits(requestsPerMinute: rpm)
        total = TokenBucket(capacity: limits.capacity, refillPerSecond: limits.refill, now: now)
        var buckets: [Group: TokenBucket] = [:]
        for group in Group.allCases {
            buckets[group] = TokenBucket(
                capacity: max(1, group.share * limits.capacity), refillPerSecond: group.share * limits.refill, now: now)
        }
        groupBuckets = buckets
        generator = SeededGenerator(seed: seed)
    }

    /// The hard cap of `group` in any 60 s window: its share of the limit, at least 1.
    public func limit(of group: Group) -> Int {
        max(1, group == .userLookup ? requestsPerMinute * 4 / 5 : requestsPerMinute / 2)
    }

    /// Takes one request of `group` if allowed now. Never allows more than `requestsPerMinute` in ANY 60 s window
    /// (total: bucket capacity C = max(1, rpm/10), refill (rpm − C)/60 per second, so C + 60·r ≤ rpm).
    /// `userLookup` may use at most 80 % of the refill (so confirmations and ends always find room); each other
    /// group at most 50 %. False while blocked.
    public mutating func take(_ group: Group, now: Date) -> Bool {
        takes.removeAll { !Self.isInWindow($0.date, now: now) }
        if let blockEnd, now < blockEnd { return false }
        guard let bucket = groupBuckets[group], bucket.hasToken(at: now), total.hasToken(at: now) else { return false }
        guard takes.count < requestsPerMinute, takes.count(where: { $0.group == group }) < limit(of: group) else {
            return false
        }
        total.take(now: now)
        groupBuckets[group]?.take(now: now)
        takes.append(Take(date: now, group: group))
        return true
    }

    /// How many `take(group)` calls would succeed at `now` in a row (0 while blocked).
    public func available(_ group: Group, now: Date) -> Int {
        if let blockEnd, now < blockEnd { return 0 }
        guard let bucket = groupBuckets[group] else { return 0 }
        var recent = 0
        var recentOfGroup = 0
        for take in takes where Self.isInWindow(take.date, now: now) {
            recent += 1
            if take.group == group { recentOfGroup += 1 }
        }
        let fromBuckets = Int((min(total.tokens(at: now), bucket.tokens(at: now)) + TokenBucket.tolerance).rounded(.down))
        return max(0, min(fromBuckets, requestsPerMinute - recent, limit(of: group) - recentOfGroup))
    }

    /// The earliest time `take(group)` can succeed (≥ the end of a block).
    public func nextAvailable(_ group: Group, now: Date) -> Date {
        var earliest = now
        if let blockEnd, blockEnd > earliest { earliest = blockEnd }
        earliest = max(earliest, total.earliestToken(from: now))
        if let bucket = groupBuckets[group] { earliest = max(earliest, bucket.earliestToken(from: now)) }
        // `takes` is in time order (a clock going backwards only makes this stricter): the window is a suffix of
        // it. No allocation: this runs on every wake-up.
        let windowStart = takes.firstIndex { Self.isInWindow($0.date, now: now) } ?? takes.count
        let recentCount = takes.count - windowStart
        if recentCount >= requestsPerMinute {
            earliest = max(earliest, takes[takes.count - requestsPerMinute].date.addingTimeInterval(60))
        }
        let groupLimit = limit(of: group)
        var ofGroup = 0
        var position = takes.count
        while position > windowStart {
            position -= 1
            guard takes[position].group == group else { continue }
            ofGroup += 1
            if ofGroup == groupLimit {
                // The oldest take of the group that must leave the window before another one fits.
                earliest = max(earliest, takes[position].date.addingTimeInterval(60))
                break
            }
        }
        return earliest
    }

    /// TikTok refused (WAF/captcha/403/429): every group waits 60 s × 2^(blocks−1), capped at 1 h, ±20 % jitter;
    /// a longer `retryAfter` wins. Returns the end of the block.
    /// Refusals that arrive while a block is in force are the same incident (requests already on their way when the
    /// first refusal came): they do not lengthen it, except by a longer `retryAfter`.
    @discardableResult public mutating func blocked(now: Date, retryAfter: TimeInterval?) -> Date {
        if let current = blockEnd, now < current {
            let wanted = now.addingTimeInterval(retryAfter ?? 0)
            if wanted > current { blockEnd = wanted }
            return blockEnd ?? current
        }
        blocks += 1
        let doublings = Double(min(blocks - 1, 30))
        let base = min(Self.maximumBlock, Self.firstBlock * pow(2, doublings))
        let jittered = base * (0.8 + 0.4 * generator.nextUnit())
        let end = now.addingTimeInterval(max(jittered, retryAfter ?? 0))
        if let blockEnd, blockEnd > end { return blockEnd }
        blockEnd = end
        return end
    }

    /// A request went through: the consecutive-block count is cleared (a current block still runs out).
    public mutating func succeeded(now: Date) {
        blocks = 0
    }

    /// The end of the block in force at `now`; nil when not blocked at `now`.
    public func blockedUntil(now: Date) -> Date? {
        guard let blockEnd, blockEnd > now else { return nil }
        return blockEnd
    }

    /// What was used in the 60 s up to `now`.
    public func usage(now: Date) -> Usage {
        let recent = takes.filter { Self.isInWindow($0.date, now: now) }
        var byGroup: [Group: Int] = [:]
        for group in Group.allCases { byGroup[group] = 0 }
        for take in recent { byGroup[take.group, default: 0] += 1 }
        return Usage(
            requestsPerMinute: requestsPerMinute, usedLastMinute: recent.count, usedLastMinuteByGroup: byGroup,
            blockedUntil: blockedUntil(now: now), blocks: blocks)
    }

    /// A reload with a new limit (at least 1). Tokens held are kept up to the new capacities, and the 60 s log
    /// keeps the takes before the change, so no 60 s window holds more than the new limit from now on.
    public mutating func setRequestsPerMinute(_ rpm: Int, now: Date) {
        requestsPerMinute = max(1, rpm)
        let limits = Self.limits(requestsPerMinute: requestsPerMinute)
        total.reconfigure(capacity: limits.capacity, refillPerSecond: limits.refill, now: now)
        for group in Group.allCases {
            groupBuckets[group]?.reconfigure(
                capacity: max(1, group.share * limits.capacity), refillPerSecond: group.share * limits.refill, now: now)
        }
    }

    /// The total bucket for `rpm`: capacity `max(1, rpm / 10)` and refill `(rpm − capacity) / 60`. At 1 request
    /// a minute that refill is 0, so the refill is then `rpm / 60` and the 60 s log alone keeps the limit.
    private static func limits(requestsPerMinute rpm: Int) -> (capacity: Double, refill: Double) {
        let capacity = Double(max(1, rpm / 10))
        let refill = Double(rpm) - capacity
        return (capacity, refill > 0 ? refill / 60 : Double(rpm) / 60)
    }

    /// True when a take at `date` counts in the 60 s window that ends at `now`: `(now − 60, now]` (takes dated
    /// after `now`, from a clock that went backwards, count too).
    private static func isInWindow(_ date: Date, now: Date) -> Bool {
        date.addingTimeInterval(60) > now
    }
}
