import Foundation

/// Picks which creators to look up now, most likely-live first, within the budget. Pure: never sleeps, returns
/// the next wake-up.
///
/// Priority of a due creator = `likelihood + overdue / effectiveInterval`, where `effectiveInterval` is the gap
/// the budget really allows for all the creators given, at that creator's interval. Without overload this is
/// `likelihood + overdue / interval`; under overload a likely creator (waiting, or at its usual hour) is checked
/// as soon as it is due, and every other creator still gets its turn once it is about one effective interval
/// overdue, so no one is starved.
public struct DetectionScheduler: Sendable {
    /// Seconds in a week and in a day, for the hour-of-week and time-of-day matches.
    static let week: TimeInterval = 7 * 86_400
    static let day: TimeInterval = 86_400
    /// How far a past start may be from now's hour of week (or time of day) to count as "at this hour".
    static let hourTolerance: TimeInterval = 3_600
    /// Starts this recent count for the "live at this time yesterday" part of the likelihood.
    static let recentHorizon: TimeInterval = 86_400 + 3_600

    /// A scheduler (it holds no state).
    public init() {}

    /// Creators whose `nextCheck` ≤ now, ordered by priority, each taking a `.userLookup` token until the budget
    /// says no or `limit` is reached. `lookupStarted` is NOT called here (the caller does it).
    /// wakeAt: the earliest of (the next `nextCheck` among machines not picked) and (when creators are due but
    /// the budget is empty: `budget.nextAvailable(.userLookup)`); nil when nothing is scheduled.
    ///
    /// Two refinements: a lookup wake-up is never earlier than `budget.nextAvailable(.userLookup)` (waking for a
    /// creator that became due while the budget is empty, or blocked, achieves nothing), and the
    /// `returnDeadline` of waiting creators still ahead counts as a wake-up, so the caller's `tick` ends their
    /// window on time. When `limit` (not the budget) left due creators unpicked, wakeAt can be `now`: call again
    /// once a lookup slot frees. Priorities scale overdue time by `effectiveInterval` for `machines.count`
    /// creators. Cost: one pass over `machines`, copying none of them.
    public func due(
        _ machines: [CreatorMachine], budget: inout RequestBudget, now: Date, limit: Int
    )
        -> (usernames: [String], wakeAt: Date?)
    {
        machines.withUnsafeBufferPointer { creators in
            guard let first = creators.baseAddress else { return ([], nil) }
            // One pass: what is due (the best `slots` of it kept), and when the next things happen.
            let slots = min(limit, budget.available(.userLookup, now: now))
            let context = RankingContext(now: now, creators: creators.count, requestsPerMinute: budget.requestsPerMinute)
            var ranking = Ranking(capacity: slots)
            var deadline: Date?
            var nextLookup: Date?
            var dueCount = 0
            for index in 0..<creators.count {
                let creator = first + index
                if let until = creator.pointee.returnDeadline, until > now { deadline = Self.earliest(deadline, until) }
                guard let nextCheck = creator.pointee.nextCheck else { continue }
                if nextCheck > now {
                    nextLookup = Self.earliest(nextLookup, nextCheck)
                    continue
                }
                dueCount += 1
                if slots > 0 { ranking.consider(creator, at: index, nextCheck: nextCheck, context: context) }
            }
            var picked: [String] = []
            for candidate in ranking.leaders {
                guard budget.take(.userLookup, now: now) else { break }
                picked.append(first[candidate.index].username)
            }
            if picked.count < dueCount { nextLookup = now }
            if let lookupAt = nextLookup {
                deadline = Self.earliest(deadline, max(lookupAt, budget.nextAvailable(.userLookup, now: now)))
            }
            return (picked, deadline)
        }
    }

    /// What a priority depends on besides the creator.
    private struct RankingContext {
        var now: Date
        var creators: Int
        var requestsPerMinute: Int
    }

    /// A due creator and its rank.
    private struct Candidate {
        var index: Int
        var priority: Double
        var overdue: TimeInterval

        /// Higher priority first, then the most overdue; equal ones keep the order of the list.
        func isAhead(of other: Candidate) -> Bool {
            if priority != other.priority { return priority > other.priority }
            if overdue != other.overdue { return overdue > other.overdue }
            return index < other.index
        }
    }

    /// The highest-ranked due creators seen so far, best first, at most `capacity`.
    private struct Ranking {
        let capacity: Int
        private(set) var leaders: [Candidate] = []
        private var gapInterval = -1.0
        private var gap = 1.0

        init(capacity: Int) {
            self.capacity = capacity
            leaders.reserveCapacity(capacity + 1)
        }

        /// Ranks one due creator: `likelihood + overdue / effectiveInterval`.
        mutating func consider(
            _ creator: UnsafePointer<CreatorMachine>, at index: Int, nextCheck: Date, context: RankingContext
        ) {
            let interval = creator.pointee.settings.interval
            if interval != gapInterval {
                gapInterval = interval
                gap = max(
                    1,
                    DetectionScheduler.effectiveInterval(
                        creators: context.creators, interval: interval, requestsPerMinute: context.requestsPerMinute))
            }
            let overdue = context.now.timeIntervalSince(nextCheck)
            let likelihood = DetectionScheduler.likelihood(of: creator, now: context.now)
            let candidate = Candidate(index: index, priority: likelihood + overdue / gap, overdue: overdue)
            if leaders.count == capacity, !candidate.isAhead(of: leaders[capacity - 1]) { return }
            let position = leaders.firstIndex { candidate.isAhead(of: $0) } ?? leaders.count
            leaders.insert(candidate, at: position)
            if leaders.count > capacity { leaders.removeLast() }
        }
    }

    /// 0…1: how likely the creator is live now. Waiting (a live just dropped) = 1. Otherwise from `liveStarts`:
    /// the share of past starts whose UTC hour-of-week is within ±1 h of now, blended with recency (a start in
    /// the last 24 h counts more). No history: 0.
    ///
    /// Exactly: `weekly + (1 − weekly) × 0.5 × daily`, where `weekly` is that share and `daily` is 1 when a start
    /// in the last 25 h was within ±1 h of now's time of day (live at about this time yesterday or within the last
    /// hour), else 0. Confirming and recording creators count as 1.
    public static func likelihood(of machine: CreatorMachine, now: Date) -> Double {
        withUnsafePointer(to: machine) { likelihood(of: $0, now: now) }
    }

    /// `likelihood(of:now:)` read through a pointer, without copying the creator.
    static func likelihood(of machine: UnsafePointer<CreatorMachine>, now: Date) -> Double {
        if !machine.pointee.isIdle { return 1 }
        if machine.pointee.liveStarts.count == 0 { return 0 }  // `count`: Array's own, cheap even unoptimised
        let starts = machine.pointee.liveStarts
        let nowInWeek = secondsIntoWeek(now)
        var weeklyMatches = 0
        var liveAtThisTimeRecently = false
        for start in starts {
            if circularDistance(secondsIntoWeek(start), nowInWeek, period: week) <= hourTolerance {
                weeklyMatches += 1
            }
            let age = now.timeIntervalSince(start)
            if age >= 0, age <= recentHorizon,
                circularDistance(secondsIntoDay(start), secondsIntoDay(now), period: day) <= hourTolerance
            {
                liveAtThisTimeRecently = true
            }
        }
        let weekly = Double(weeklyMatches) / Double(starts.count)
        let daily: Double = liveAtThisTimeRecently ? 1 : 0
        return weekly + (1 - weekly) * 0.5 * daily
    }

    /// The interval the budget really allows for `creators` lookups at `settingsInterval`:
    /// max(interval, creators × 60 / (0.8 × rpm)). For the README and the status page.
    public static func effectiveInterval(creators: Int, interval: TimeInterval, requestsPerMinute: Int) -> TimeInterval {
        guard requestsPerMinute > 0 else { return .infinity }
        return max(interval, Double(creators) * 60 / (0.8 * Double(requestsPerMinute)))
    }

    /// Seconds since Monday 00:00 UTC (the Unix epoch fell on a Thursday).
    static func secondsIntoWeek(_ date: Date) -> TimeInterval {
        positiveRemainder(date.timeIntervalSince1970 + 3 * day, week)
    }

    /// Seconds since 00:00 UTC.
    static func secondsIntoDay(_ date: Date) -> TimeInterval {
        positiveRemainder(date.timeIntervalSince1970, day)
    }

    private static func positiveRemainder(_ value: TimeInterval, _ period: TimeInterval) -> TimeInterval {
        let remainder = value.truncatingRemainder(dividingBy: period)
        return remainder < 0 ? remainder + period : remainder
    }

    private static func circularDistance(_ first: TimeInterval, _ second: TimeInterval, period: TimeInterval) -> TimeInterval {
        let distance = abs(first - second)
        return min(distance, period - distance)
    }

    private static func earliest(_ current: Date?, _ candidate: Date) -> Date {
        guard let current else { return candidate }
        return min(current, candidate)
    }
}
