import Foundation
import Testing

@testable import TikTokRecorder

@Suite struct DetectionSchedulerTests {
    private let hour: TimeInterval = 3_600
    private let day: TimeInterval = 86_400
    private let week: TimeInterval = 7 * 86_400

    /// An offline creator whose past lives started at `starts`, with its next lookup due at `due`.
    private func creator(_ name: String, startedAt starts: [Date], due: Date) -> CreatorMachine {
        var machine = CreatorMachine(username: name, settings: WatchSettings(), now: starts.first ?? due)
        for (index, start) in starts.enumerated() {
            machine.startRecording(roomID: "\(name)-\(index)", sessionID: Int64(index), at: start)
            _ = machine.recordingFinished(.stopped, now: start.addingTimeInterval(600))
        }
        _ = machine.lookup(.offline, at: due.addingTimeInterval(-60))
        machine.checkNow(now: due)
        return machine
    }

    @Test func effectiveIntervalIsTheIntervalUnlessTheBudgetForcesMore() {
        #expect(DetectionScheduler.effectiveInterval(creators: 10, interval: 60, requestsPerMinute: 60) == 60)
        #expect(DetectionScheduler.effectiveInterval(creators: 500, interval: 60, requestsPerMinute: 40) == 937.5)
        #expect(DetectionScheduler.effectiveInterval(creators: 500, interval: 300, requestsPerMinute: 120) == 312.5)
    }

    @Test func likelihoodComesFromTheUsualHourOfTheWeekAndYesterday() {
        // Live every Monday at 20:00 UTC for the last four weeks; "now" is a Monday (week 4).
        let mondays = (0..<4).map { at(Double($0) * week + 20 * hour) }
        let machine = creator("weekly", startedAt: mondays, due: at(4 * week))
        #expect(DetectionScheduler.likelihood(of: machine, now: at(4 * week + 20.5 * hour)) == 1)
        #expect(DetectionScheduler.likelihood(of: machine, now: at(4 * week + 23 * hour)) == 0)
        // Tuesday 20:00: not the usual weekday, but live at this time yesterday.
        #expect(DetectionScheduler.likelihood(of: machine, now: at(3 * week + day + 20 * hour)) == 0.5)
        #expect(DetectionScheduler.likelihood(of: machine, now: at(3 * week + 2 * day + 20 * hour)) == 0)

        let half = creator("half", startedAt: [at(20 * hour), at(day + 9 * hour)], due: at(week))
        #expect(DetectionScheduler.likelihood(of: half, now: at(week + 20 * hour)) == 0.5)
    }

    @Test func aWaitingCreatorIsCertainAndOneWithoutHistoryIsNot() {
        let waiting = CreatorMachine(username: "w", settings: WatchSettings(), resuming: 1, now: at(0))
        #expect(DetectionScheduler.likelihood(of: waiting, now: at(10)) == 1)
        let newcomer = CreatorMachine(username: "n", settings: WatchSettings(), now: at(0))
        #expect(DetectionScheduler.likelihood(of: newcomer, now: at(10)) == 0)
    }

    @Test func nothingScheduledMeansNoWakeUp() {
        let machines = [CreatorMachine(username: "a", settings: WatchSettings(enabled: false), now: at(0))]
        var budget = RequestBudget(requestsPerMinute: 60, now: at(0))
        let result = DetectionScheduler().due(machines, budget: &budget, now: at(0), limit: 10)
        #expect(result.usernames.isEmpty)
        #expect(result.wakeAt == nil)
    }

    @Test func creatorsNotDueYetSetTheWakeUp() throws {
        var first = CreatorMachine(username: "a", settings: WatchSettings(), now: at(0))
        var second = CreatorMachine(username: "b", settings: WatchSettings(), now: at(0))
        _ = first.lookup(.offline, at: at(0))
        _ = second.lookup(.offline, at: at(5))
        var budget = RequestBudget(requestsPerMinute: 60, now: at(0))
        let result = DetectionScheduler().due([first, second], budget: &budget, now: at(10), limit: 10)
        #expect(result.usernames.isEmpty)
        #expect(result.wakeAt == [first.nextCheck, second.nextCheck].compactMap { $0 }.min())
        #expect(budget.usage(now: at(10)).usedLastMinute == 0)
    }

    @Test func aWaitingCreatorsWindowEndIsAWakeUp() {
        var waiting = CreatorMachine(username: "w", settings: WatchSettings(), resuming: 1, now: at(0))
        _ = waiting.lookup(.offline, at: at(0))
        _ = waiting.lookup(.offline, at: at(165))  // next lookup at 180 + … would miss the window's end
        var budget = RequestBudget(requestsPerMinute: 60, now: at(0))
        let result = DetectionScheduler().due([waiting], budget: &budget, now: at(170), limit: 10)
        #expect(result.wakeAt == at(180))
    }

    @Test func dueCreatorsTakeOneLookupTokenEachUpToTheLimit() {
        let machines = (0..<6).map { creator("c\($0)", startedAt: [], due: at(100)) }
        var budget = RequestBudget(requestsPerMinute: 600, now: at(0))
        let result = DetectionScheduler().due(machines, budget: &budget, now: at(100), limit: 4)
        #expect(result.usernames.count == 4)
        #expect(budget.usage(now: at(100)).usedLastMinuteByGroup[.userLookup] == 4)
        #expect(result.wakeAt == at(100))  // the limit, not the budget, left two: call again when a slot frees
    }

    @Test func anEmptyBudgetSetsTheWakeUpToItsNextToken() {
        let machines = (0..<6).map { creator("c\($0)", startedAt: [], due: at(100)) }
        var budget = RequestBudget(requestsPerMinute: 20, now: at(0))  // userLookup bucket holds 1.6 tokens
        let result = DetectionScheduler().due(machines, budget: &budget, now: at(100), limit: 10)
        #expect(result.usernames.count == 1)
        #expect(result.wakeAt == budget.nextAvailable(.userLookup, now: at(100)))
        #expect(result.wakeAt.map { $0 > at(100) } == true)
    }

    /// With a budget too small for everyone, the likely creators (a dropped live; the usual hour) go first, and
    /// the others still get their turn.
    @Test func likelyCreatorsGoFirstAndTheRestAreNotStarved() throws {
        let now = at(4 * week + 20 * hour)
        let mondays = (0..<4).map { at(Double($0) * week + 20 * hour) }
        var machines = [creator("usual1", startedAt: mondays, due: now), creator("usual2", startedAt: mondays, due: now)]
        for name in ["dropped1", "dropped2"] {
            var machine = CreatorMachine(username: name, settings: WatchSettings(), resuming: 1, now: now.addingTimeInterval(-30))
            _ = machine.lookup(.offline, at: now.addingTimeInterval(-15))
            machines.append(machine)
        }
        for index in 0..<16 {
            // The others are overdue by up to 40 s: a likely creator still goes first.
            machines.append(creator("other\(index)", startedAt: [], due: now.addingTimeInterval(-Double(index) * 2.5)))
        }
        let names = machines.map(\.username)
        var budget = RequestBudget(requestsPerMinute: 6, now: now)  // 4 lookups a minute
        let scheduler = DetectionScheduler()
        var clock = now
        var order: [String] = []
        var lastLookup: [String: Date] = [:]
        var longestGap: TimeInterval = 0
        while clock < now.addingTimeInterval(2 * hour) {
            for index in machines.indices { _ = machines[index].tick(now: clock) }
            let result = scheduler.due(machines, budget: &budget, now: clock, limit: 10)
            for name in result.usernames {
                let index = try #require(names.firstIndex(of: name))
                order.append(name)
                if let previous = lastLookup[name] { longestGap = max(longestGap, clock.timeIntervalSince(previous)) }
                lastLookup[name] = clock
                _ = machines[index].lookup(.offline, at: clock)
            }
            clock = try #require(result.wakeAt)
        }
        #expect(Set(order.prefix(4)) == ["usual1", "usual2", "dropped1", "dropped2"])
        #expect(lastLookup.count == machines.count)
        let effective = DetectionScheduler.effectiveInterval(creators: machines.count, interval: 60, requestsPerMinute: 6)
        #expect(longestGap <= 3 * effective)
        #expect(order.filter { $0 == "other15" }.count >= 10)
    }
}
