import Foundation
import Testing

@testable import TikTokRecorder

/// A simulated day of 500 creators on a virtual clock, driven only by the scheduler's wake-ups: the owner's loop
/// (lookups, confirmations, recordings, ticks) played against a scripted truth of who is live when.
@Suite struct DetectionSchedulerDayTests {
    /// One scripted live: `roomID` is live from `start` to `end`.
    struct ScriptedLive {
        var creator: Int
        var roomID: String
        var start: Date
        var end: Date
    }

    static let creators = 500
    static let requestsPerMinute = 40
    static let dayLength: TimeInterval = 86_400

    /// 30 creators go live once for 70–130 minutes; creator 0 also drops for 60 s and returns under a new room id.
    static func script() -> [ScriptedLive] {
        var random = SeededGenerator(seed: 11)
        var lives: [ScriptedLive] = []
        for index in 0..<30 {
            let creator = index * 16
            let start = at(600 + random.nextUnit() * (dayLength - 9_000))
            let length = 4_200 + random.nextUnit() * 3_600
            lives.append(ScriptedLive(creator: creator, roomID: "room-\(creator)-a", start: start, end: start.addingTimeInterval(length)))
        }
        let first = lives[0]
        lives.append(
            ScriptedLive(creator: 0, roomID: "room-0-b", start: first.end.addingTimeInterval(60), end: first.end.addingTimeInterval(3_000)))
        return lives
    }

    @Test func aDayOfFiveHundredCreatorsStaysWithinTheBudgetAndChecksEveryone() throws {
        let started = ContinuousClock.now
        let lives = Self.script()
        func liveRoom(of creator: Int, at now: Date) -> ScriptedLive? {
            lives.first { $0.creator == creator && $0.start <= now && now < $0.end }
        }
        let names = (0..<Self.creators).map { String(format: "creator%03d", $0) }
        var machines = names.map { CreatorMachine(username: $0, settings: WatchSettings(), now: at(0)) }
        var budget = RequestBudget(requestsPerMinute: Self.requestsPerMinute, now: at(0))
        let scheduler = DetectionScheduler()
        let effective = DetectionScheduler.effectiveInterval(
            creators: Self.creators, interval: 60, requestsPerMinute: Self.requestsPerMinute)

        var now = at(0)
        var requests: [Date] = []
        var confirming: [Int] = []
        var recordingEnds: [Int: Date] = [:]
        var startedRecordings: [(creator: Int, roomID: String, continuing: SessionID?, at: Date)] = []
        var endedSessions: [SessionID: SessionEndReason] = [:]
        var nextSessionID: SessionID = 1
        var sessionOfRoom: [String: SessionID] = [:]
        var longestGap: TimeInterval = 0
        var wakes = 0
        var waiting: Set<Int> = []
        var stalls: [Date] = []
        var dueTime = Duration.zero

        func perform(_ actions: [CreatorMachine.Action], creator: Int) {
            for action in actions {
                switch action {
                case .confirm:
                    confirming.append(creator)
                case .startRecording(let roomID, let continuing):
                    startedRecordings.append((creator, roomID, continuing, now))
                    recordingEnds[creator] = liveRoom(of: creator, at: now)?.end ?? now
                    if continuing == nil {
                        machines[creator].recordingStarted(sessionID: nextSessionID, now: now)
                        sessionOfRoom[roomID] = nextSessionID
                        nextSessionID += 1
                    }
                case .endSession(let id, let reason):
                    endedSessions[id] = reason
                }
            }
        }

        while now < at(Self.dayLength) {
            wakes += 1
            for (creator, end) in recordingEnds where end <= now {
                recordingEnds[creator] = nil
                perform(machines[creator].recordingFinished(.streamEnded, now: now), creator: creator)
                waiting.insert(creator)
            }
            for creator in waiting where machines[creator].returnDeadline.map({ $0 <= now }) != false {
                waiting.remove(creator)
                perform(machines[creator].tick(now: now), creator: creator)
            }
            while let creator = confirming.first, budget.take(.roomInfo, now: now) {
                confirming.removeFirst()
                requests.append(now)
                let room = liveRoom(of: creator, at: now)
                let outcome: CreatorMachine.RoomOutcome =
                    room.map { .live(roomID: $0.roomID, paused: false, hasStream: true) } ?? .notLive
                perform(machines[creator].roomChecked(outcome, now: now), creator: creator)
            }

            let dueStart = ContinuousClock.now
            let result = scheduler.due(machines, budget: &budget, now: now, limit: 50)
            dueTime += ContinuousClock.now - dueStart
            for name in result.usernames {
                let creator = try #require(Int(name.dropFirst("creator".count)))
                requests.append(now)
                if machines[creator].state == .offline, let last = machines[creator].lastCheck {
                    longestGap = max(longestGap, now.timeIntervalSince(last))
                } else if machines[creator].lastCheck == nil {
                    longestGap = max(longestGap, now.timeIntervalSince(at(0)))
                }
                machines[creator].lookupStarted(now: now)
                let outcome: CreatorMachine.LookupOutcome =
                    liveRoom(of: creator, at: now).map { .live(roomID: $0.roomID) } ?? .offline
                perform(machines[creator].lookupFinished(outcome, now: now), creator: creator)
            }

            var next = result.wakeAt ?? at(Self.dayLength)
            if let end = recordingEnds.values.min() { next = min(next, end) }
            if !confirming.isEmpty { next = min(next, budget.nextAvailable(.roomInfo, now: now)) }
            if next <= now && result.usernames.isEmpty { stalls.append(now) }
            now = max(next, now)
        }

        // Every wake-up made progress (a check, or a later wake-up).
        #expect(stalls.isEmpty, "no progress at \(stalls.prefix(5))")
        // Within the budget: no 60 s window holds more than the limit.
        var first = 0
        var busiestWindow = 0
        for (index, request) in requests.enumerated() {
            while requests[first].addingTimeInterval(60) <= request { first += 1 }
            busiestWindow = max(busiestWindow, index - first + 1)
        }
        #expect(busiestWindow <= Self.requestsPerMinute)
        // Everyone is checked at least every 1.5 effective intervals.
        #expect(longestGap <= effective * 1.5)
        #expect(machines.allSatisfy { $0.lastCheck.map { $0 > at(Self.dayLength - effective * 1.5) } == true })
        // Every live was found and recorded while it lasted; the drop and return continued its session.
        for live in lives {
            let recorded = startedRecordings.first { $0.creator == live.creator && $0.roomID == live.roomID }
            #expect(recorded.map { $0.at < live.end && $0.at.timeIntervalSince(live.start) <= effective * 1.5 } == true)
        }
        let firstSession = try #require(sessionOfRoom["room-0-a"])
        #expect(startedRecordings.contains { $0.roomID == "room-0-b" && $0.continuing == firstSession })
        #expect(endedSessions.values.allSatisfy { $0 == .ended })
        #expect(endedSessions.count >= 29)

        // How long it took is a figure for bench/, not an assertion: a loaded machine must not fail this test.
        let figures = "\(wakes) wake-ups, \(requests.count) requests, longest gap \(Int(longestGap)) s"
        print("simulated day: \(figures), \(ContinuousClock.now - started) (in due: \(dueTime))")
    }
}
