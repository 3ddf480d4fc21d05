import Foundation
import Testing

@testable import TikTokRecorder

@Suite struct RequestBudgetTests {
    @Test func aBurstIsLimitedByTheGroupShareAndTheTotal() {
        // rpm 60: total capacity 6; userLookup holds 80 % of it (4.8), roomInfo 50 % (3).
        var budget = RequestBudget(requestsPerMinute: 60, now: at(0))
        let lookups = (0..<10).filter { _ in budget.take(.userLookup, now: at(0)) }.count
        #expect(lookups == 4)
        let confirmations = (0..<10).filter { _ in budget.take(.roomInfo, now: at(0)) }.count
        #expect(confirmations == 2)  // the total had 2 tokens left
        let checkAliveNow = budget.take(.checkAlive, now: at(0))
        #expect(!checkAliveNow)
        let checkAliveLater = budget.take(.checkAlive, now: budget.nextAvailable(.checkAlive, now: at(0)))
        #expect(checkAliveLater)
    }

    @Test func takingAtNextAvailableAlwaysSucceedsAndNeverEarlier() {
        var budget = RequestBudget(requestsPerMinute: 37, now: at(0))
        var now = at(0)
        var taken = 0
        while now < at(3_600) {
            let next = budget.nextAvailable(.userLookup, now: now)
            #expect(next >= now)
            if next > now {
                let takenEarly = budget.take(.userLookup, now: next.addingTimeInterval(-0.01))
                #expect(!takenEarly)
            }
            now = next
            let takenOnTime = budget.take(.userLookup, now: now)
            #expect(takenOnTime)
            taken += 1
        }
        // The lookup share of the refill: 0.8 × (37 − 3) = 27.2 a minute, plus the first burst of 2.
        #expect(taken >= 27 * 60 && taken <= 1_632 + 3)
    }

    /// Random takes over simulated hours never exceed the limit, or a group's share, in any 60 s window.
    @Test(arguments: [1, 7, 60, 240])
    func noSixtySecondWindowEverHoldsMoreThanTheLimit(requestsPerMinute rpm: Int) {
        var random = SeededGenerator(seed: UInt64(rpm))
        var budget = RequestBudget(requestsPerMinute: rpm, now: at(0))
        var granted: [(date: Date, group: RequestBudget.Group)] = []
        var now = at(0)
        // Four hours at low budgets, half an hour at high ones: at least a hundred full windows either way.
        let minutes = rpm >= 60 ? 30 : 240
        while now < at(Double(minutes) * 60) {
            now = now.addingTimeInterval(random.nextUnit() * 60 / Double(rpm))
            let group = RequestBudget.Group.allCases[Int(random.next() % 5)]
            let tries = random.next() % 3 == 0 ? 8 : 1  // sometimes a burst
            for _ in 0..<tries where budget.take(group, now: now) {
                granted.append((now, group))
            }
        }
        #expect(granted.count > rpm * minutes / 4, "the budget should be used, not starved")
        // Slide a 60 s window (t − 60, t] over the grants, ending at each grant.
        var first = 0
        var perGroup: [RequestBudget.Group: Int] = [:]
        var busiest: [RequestBudget.Group: Int] = [:]
        var busiestTotal = 0
        for take in granted {
            perGroup[take.group, default: 0] += 1
            while granted[first].date.addingTimeInterval(60) <= take.date {
                perGroup[granted[first].group, default: 0] -= 1
                first += 1
            }
            busiestTotal = max(busiestTotal, perGroup.values.reduce(0, +))
            busiest[take.group] = max(busiest[take.group, default: 0], perGroup[take.group, default: 0])
        }
        #expect(busiestTotal <= rpm)
        #expect(busiest[.userLookup, default: 0] <= max(1, rpm * 4 / 5))
        for group in RequestBudget.Group.allCases where group != .userLookup {
            #expect(busiest[group, default: 0] <= max(1, rpm / 2))
        }
    }

    @Test func confirmationsFindRoomWhileLookupsUseEverythingTheyMay() {
        var budget = RequestBudget(requestsPerMinute: 30, now: at(0))
        var now = at(0)
        var lookups = 0
        for step in 0..<1_200 {
            while budget.take(.userLookup, now: now) { lookups += 1 }
            // 20 % of the refill (0.09/s) is left for the others: a confirmation every 20 s, an end check every 40 s
            // (from 10 s on, after the lookups spent the first burst).
            if step % 40 == 20 {
                let confirmed = budget.take(.roomInfo, now: now)
                #expect(confirmed, "confirmation refused at \(now)")
            }
            if step % 80 == 60 {
                let endChecked = budget.take(.checkAlive, now: now)
                #expect(endChecked, "end check refused at \(now)")
            }
            now = now.addingTimeInterval(0.5)
        }
        #expect(lookups >= 200)  // ten minutes at 80 % of the refill (0.36/s)
    }

    @Test func aBlockStopsEveryGroupAndBacksOffExponentially() throws {
        var budget = RequestBudget(requestsPerMinute: 60, now: at(0), seed: 9)
        let end = budget.blocked(now: at(0), retryAfter: nil)
        #expect(end >= at(48) && end <= at(72))
        for group in RequestBudget.Group.allCases {
            let takenDuringBlock = budget.take(group, now: at(10))
            #expect(!takenDuringBlock)
            #expect(budget.nextAvailable(group, now: at(10)) == end)
        }
        #expect(budget.blockedUntil(now: at(10)) == end)
        #expect(budget.usage(now: at(10)).blocks == 1)
        let takenAtBlockEnd = budget.take(.userLookup, now: end)
        #expect(takenAtBlockEnd)
        #expect(budget.blockedUntil(now: end) == nil)

        let second = budget.blocked(now: at(100), retryAfter: nil)
        #expect(second >= at(100 + 96) && second <= at(100 + 144))
        budget.succeeded(now: at(300))
        #expect(budget.usage(now: at(300)).blocks == 0)
        let afterSuccess = budget.blocked(now: at(400), retryAfter: nil)
        #expect(afterSuccess >= at(448) && afterSuccess <= at(472))
    }

    @Test func blocksAreCappedAtAnHourAndALongerRetryAfterWins() {
        var budget = RequestBudget(requestsPerMinute: 60, now: at(0), seed: 3)
        var now = at(0)
        for _ in 0..<12 {
            let end = budget.blocked(now: now, retryAfter: nil)
            #expect(end.timeIntervalSince(now) <= 1.2 * 3_600)
            now = end
        }
        let capped = budget.blocked(now: now, retryAfter: nil).timeIntervalSince(now)
        #expect(capped >= 0.8 * 3_600)

        var fresh = RequestBudget(requestsPerMinute: 60, now: at(0))
        #expect(fresh.blocked(now: at(0), retryAfter: 600) == at(600))
        #expect(fresh.blocked(now: at(10), retryAfter: 5) == at(600))  // a shorter block does not cut one short
    }

    @Test func usageCountsExactlyTheLastSixtySeconds() {
        var budget = RequestBudget(requestsPerMinute: 120, now: at(0))
        let firstTaken = budget.take(.userLookup, now: at(0))
        #expect(firstTaken)
        let secondTaken = budget.take(.roomInfo, now: at(10))
        #expect(secondTaken)
        let thirdTaken = budget.take(.userLookup, now: at(30))
        #expect(thirdTaken)
        let usage = budget.usage(now: at(45))
        #expect(usage.usedLastMinute == 3)
        #expect(usage.usedLastMinuteByGroup[.userLookup] == 2)
        #expect(usage.usedLastMinuteByGroup[.roomInfo] == 1)
        #expect(usage.usedLastMinuteByGroup[.feed] == 0)
        #expect(usage.requestsPerMinute == 120)
        #expect(usage.blockedUntil == nil)
        #expect(budget.usage(now: at(60)).usedLastMinute == 2)
        #expect(budget.usage(now: at(90)).usedLastMinute == 0)
    }

    @Test func loweringTheLimitHoldsTheWindowAcrossTheReload() {
        var budget = RequestBudget(requestsPerMinute: 600, now: at(0))
        var taken = 0
        var now = at(0)
        while now < at(30) {
            while budget.take(.userLookup, now: now) { taken += 1 }
            now = now.addingTimeInterval(0.1)
        }
        #expect(taken > 100)
        budget.setRequestsPerMinute(60, now: at(30))
        #expect(budget.requestsPerMinute == 60)
        let takenAfterReload = budget.take(.roomInfo, now: at(31))
        #expect(!takenAfterReload)
        #expect(budget.nextAvailable(.roomInfo, now: at(31)) > at(60))
        #expect(budget.usage(now: at(31)).requestsPerMinute == 60)
    }

    @Test func raisingTheLimitAllowsMoreFromThenOn() {
        var budget = RequestBudget(requestsPerMinute: 10, now: at(0))
        var now = at(0)
        var before = 0
        while now < at(60) {
            if budget.take(.userLookup, now: now) { before += 1 }
            now = now.addingTimeInterval(1)
        }
        budget.setRequestsPerMinute(100, now: now)
        var after = 0
        let reload = now
        while now < reload.addingTimeInterval(60) {
            if budget.take(.userLookup, now: now) { after += 1 }
            now = now.addingTimeInterval(1)
        }
        #expect(before >= 7 && before <= 8)
        #expect(after > 40)
    }

    @Test func refusalsOfRequestsAlreadyInFlightAreOneBlockNotSeveral() {
        var budget = RequestBudget(requestsPerMinute: 60, now: at(0))
        let first = budget.blocked(now: at(0), retryAfter: nil)
        // Seven lookups were on their way: their refusals arrive within the same second.
        for offset in 1...7 { _ = budget.blocked(now: at(Double(offset) / 10), retryAfter: nil) }
        #expect(budget.blockedUntil(now: at(1)) == first)
        #expect(first.timeIntervalSince(at(0)) <= 72)
        #expect(budget.usage(now: at(1)).blocks == 1)
        // A longer Retry-After still wins.
        let longer = budget.blocked(now: at(2), retryAfter: 600)
        #expect(longer == at(602))
        // The next incident, after the block, doubles.
        let second = budget.blocked(now: at(700), retryAfter: nil)
        #expect(second.timeIntervalSince(at(700)) >= 96)
    }
}
