import Foundation

/// A token bucket on an explicit clock: `capacity` tokens at most, refilled at `refillPerSecond`.
struct TokenBucket: Sendable, Equatable {
    /// Floating-point slack when comparing a refilled bucket with one token, so a take at the exact time
    /// `earliestToken` named succeeds (the budget's 60 s log holds the hard limit).
    static let tolerance = 1e-6

    /// The most tokens the bucket holds.
    private(set) var capacity: Double
    /// Tokens added per second.
    private(set) var refillPerSecond: Double
    /// Tokens at `updatedAt`.
    private var tokens: Double
    /// When `tokens` was last brought up to date.
    private var updatedAt: Date

    /// A full bucket at `now`.
    init(capacity: Double, refillPerSecond: Double, now: Date) {
        self.capacity = capacity
        self.refillPerSecond = refillPerSecond
        self.tokens = capacity
        self.updatedAt = now
    }

    /// The tokens the bucket holds at `now` (a clock that went backwards adds nothing).
    func tokens(at now: Date) -> Double {
        let elapsed = max(0, now.timeIntervalSince(updatedAt))
        return min(capacity, tokens + elapsed * refillPerSecond)
    }

    /// True when a token can be taken at `now`.
    func hasToken(at now: Date) -> Bool {
        tokens(at: now) >= 1 - Self.tolerance
    }

    /// The earliest time from `now` at which a token can be taken.
    func earliestToken(from now: Date) -> Date {
        let available = tokens(at: now)
        if available >= 1 - Self.tolerance { return now }
        guard refillPerSecond > 0 else { return .distantFuture }
        return now.addingTimeInterval((1 - available) / refillPerSecond)
    }

    /// Takes one token at `now` (the caller checked `hasToken`).
    mutating func take(now: Date) {
        refill(to: now)
        tokens = max(0, tokens - 1)
    }

    /// New limits from `now` on; the tokens held are kept up to the new capacity.
    mutating func reconfigure(capacity: Double, refillPerSecond: Double, now: Date) {
        refill(to: now)
        self.capacity = capacity
        self.refillPerSecond = refillPerSecond
        tokens = min(tokens, capacity)
    }

    private mutating func refill(to now: Date) {
        tokens = tokens(at: now)
        if now > updatedAt { updatedAt = now }
    }
}
