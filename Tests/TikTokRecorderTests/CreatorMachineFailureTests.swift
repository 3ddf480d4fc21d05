import Foundation
import Testing

@testable import TikTokRecorder

@Suite struct CreatorMachineFailureTests {
    @Test func failuresBackOffExponentiallyUpToTheMaximumAndASuccessHeals() throws {
        var machine = CreatorMachine(username: "alice", settings: WatchSettings(), now: at(0))
        var now = at(0)
        var delays: [TimeInterval] = []
        for attempt in 1...7 {
            #expect(machine.lookup(.failed(message: "timeout \(attempt)"), at: now).isEmpty)
            let next = try #require(machine.nextCheck)
            delays.append(next.timeIntervalSince(now))
            now = next
        }
        #expect(delays == [30, 60, 120, 240, 480, 900, 900])
        #expect(machine.state == .error(message: "timeout 7"))
        #expect(machine.consecutiveFailures == 7)
        #expect(machine.since == at(0))

        _ = machine.lookup(.offline, at: now)
        #expect(machine.state == .offline)
        #expect(machine.consecutiveFailures == 0)
        #expect(machine.lastError == "timeout 7")
        #expect(machine.lastOutcome == "offline")
    }

    @Test func aCreatorInErrorGoesLiveWhenALookupFindsALive() {
        var machine = CreatorMachine(username: "alice", settings: WatchSettings(), now: at(0))
        _ = machine.lookup(.failed(message: "reset"), at: at(0))
        #expect(machine.lookup(.live(roomID: "R1"), at: at(30)) == [.confirm(roomID: "R1")])
        #expect(machine.consecutiveFailures == 0)
    }

    @Test func aBlockKeepsTheStateAndRetriesAfterTheInterval() throws {
        var machine = CreatorMachine(username: "alice", settings: WatchSettings(), now: at(0))
        _ = machine.lookup(.blocked, at: at(100))
        #expect(machine.state == .offline)
        #expect(machine.consecutiveFailures == 0)
        let gap = try #require(machine.nextCheck).timeIntervalSince(at(100))
        #expect(gap >= 54 && gap <= 66)

        _ = machine.lookup(.failed(message: "dns"), at: at(200))
        _ = machine.lookup(.blocked, at: at(230))
        #expect(machine.state == .error(message: "dns"))
        #expect(machine.consecutiveFailures == 1)
    }

    @Test func aBlockWhileWaitingKeepsTheSession() {
        var machine = CreatorMachine(username: "alice", settings: WatchSettings(), resuming: 3, now: at(0))
        #expect(machine.lookup(.blocked, at: at(0)).isEmpty)
        #expect(machine.state == .waiting(sessionID: 3, until: at(180)))
        #expect(machine.nextCheck == at(15))
    }

    @Test func anUnknownUsernameIsShownAndCheckedRarelyUntilItExists() {
        var machine = CreatorMachine(username: "nobody", settings: WatchSettings(), now: at(0))
        _ = machine.lookup(.notFound, at: at(10))
        #expect(machine.state == .notFound)
        #expect(machine.nextCheck == at(3610))
        _ = machine.lookup(.blocked, at: at(3610))
        #expect(machine.nextCheck == at(7210))
        #expect(machine.lookup(.live(roomID: "R1"), at: at(7210)) == [.confirm(roomID: "R1")])
    }

    @Test func anErrorWhileWaitingKeepsTheSession() {
        var machine = CreatorMachine(username: "alice", settings: WatchSettings(), now: at(0))
        machine.startRecording(roomID: "R1", sessionID: 7, at: at(10))
        _ = machine.recordingFinished(.streamEnded, now: at(1000))
        #expect(machine.lookup(.failed(message: "reset"), at: at(1000)).isEmpty)
        #expect(machine.state == .waiting(sessionID: 7, until: at(1180)))
        #expect(machine.lastError == "reset")
        #expect(machine.nextCheck == at(1015))
        _ = machine.lookup(.live(roomID: "R2"), at: at(1015))
        #expect(
            machine.roomChecked(.live(roomID: "R2", paused: false, hasStream: true), now: at(1016))
                == [.startRecording(roomID: "R2", continuing: 7)])
    }

    @Test func aFailedOrBlockedRoomCheckDoesNotLoseTheCreator() throws {
        var machine = CreatorMachine(username: "alice", settings: WatchSettings(), now: at(0))
        _ = machine.lookup(.live(roomID: "R1"), at: at(0))
        #expect(machine.roomChecked(.failed(message: "bad json"), now: at(1)).isEmpty)
        #expect(machine.state == .error(message: "bad json"))
        #expect(machine.nextCheck == at(31))

        _ = machine.lookup(.live(roomID: "R1"), at: at(31))
        #expect(machine.roomChecked(.blocked, now: at(32)).isEmpty)
        #expect(machine.state == .offline)
        #expect(machine.nextCheck != nil)

        machine.startRecording(roomID: "R1", sessionID: 7, at: at(100))
        _ = machine.recordingFinished(.streamEnded, now: at(200))
        _ = machine.lookup(.live(roomID: "R1"), at: at(210))
        #expect(machine.roomChecked(.failed(message: "bad json"), now: at(211)).isEmpty)
        #expect(machine.state == .waiting(sessionID: 7, until: at(380)))
        #expect(machine.nextCheck == at(226))
    }

    @Test func aRecordingThatFailsBeforeItsSessionBacksOff() {
        var machine = CreatorMachine(username: "alice", settings: WatchSettings(), now: at(0))
        _ = machine.lookup(.live(roomID: "R1"), at: at(0))
        _ = machine.roomChecked(.live(roomID: "R1", paused: false, hasStream: true), now: at(1))
        #expect(machine.recordingFinished(.failed(message: "no playable stream"), now: at(2)).isEmpty)
        #expect(machine.state == .error(message: "no playable stream"))
        #expect(machine.nextCheck == at(32))
    }

    @Test func aRecordingThatKeepsFailingEndsItsSessionAsFailed() {
        var machine = CreatorMachine(username: "alice", settings: WatchSettings(), now: at(0))
        machine.startRecording(roomID: "R1", sessionID: 7, at: at(0))
        #expect(machine.recordingFinished(.failed(message: "disk full"), now: at(10)).isEmpty)
        #expect(machine.state == .waiting(sessionID: 7, until: at(190)))
        #expect(machine.lastError == "disk full")

        _ = machine.lookup(.live(roomID: "R1"), at: at(25))
        _ = machine.roomChecked(.live(roomID: "R1", paused: false, hasStream: true), now: at(25))
        #expect(machine.recordingFinished(.failed(message: "disk full"), now: at(30)).isEmpty)
        _ = machine.lookup(.live(roomID: "R1"), at: at(45))
        _ = machine.roomChecked(.live(roomID: "R1", paused: false, hasStream: true), now: at(45))
        #expect(machine.recordingFinished(.failed(message: "disk full"), now: at(50)) == [.endSession(7, reason: .failed)])
        #expect(machine.state == .error(message: "disk full"))
        #expect(machine.nextCheck == at(80))
        #expect(machine.isIdle)
    }

    @Test func aLookupThatRacedWithAConfirmationChangesNothing() {
        var machine = CreatorMachine(username: "alice", settings: WatchSettings(), now: at(0))
        _ = machine.lookup(.live(roomID: "R1"), at: at(0))
        #expect(machine.lookupFinished(.offline, now: at(1)).isEmpty)
        #expect(machine.state == .confirming(roomID: "R1"))
        #expect(machine.nextCheck == nil)
    }

    /// A long scripted run of random outcomes never leaves the creator in a state without a way out, and a run of
    /// successes afterwards always brings it back to normal checks.
    @Test func noScriptOfFailuresLeavesAStateThatOnlyARestartLeaves() throws {
        var random = SeededGenerator(seed: 2026)
        var machine = CreatorMachine(username: "alice", settings: WatchSettings(), now: at(0))
        var now = at(0)
        var openSessions: Set<SessionID> = []
        var nextSessionID: SessionID = 1
        let lookups: [CreatorMachine.LookupOutcome] = [
            .offline, .live(roomID: "R1"), .live(roomID: "R2"), .notFound, .blocked, .failed(message: "x"),
        ]
        let rooms: [CreatorMachine.RoomOutcome] = [
            .live(roomID: "R1", paused: false, hasStream: true), .live(roomID: "R2", paused: true, hasStream: false),
            .live(roomID: "R1", paused: false, hasStream: false), .notLive, .blocked, .failed(message: "y"),
        ]
        let recordings: [CreatorMachine.RecordingOutcome] = [.streamEnded, .stopped, .failed(message: "z")]

        var closedTwiceOrUnknown: [SessionID] = []
        func apply(_ actions: [CreatorMachine.Action]) {
            for action in actions {
                if case .endSession(let id, _) = action, openSessions.remove(id) == nil { closedTwiceOrUnknown.append(id) }
            }
        }
        for step in 0..<5_000 {
            now = now.addingTimeInterval(Double(random.next() % 120))
            apply(machine.tick(now: now))
            switch machine.state {
            case .confirming:
                apply(machine.roomChecked(rooms[Int(random.next() % UInt64(rooms.count))], now: now))
            case .recording(_, let sessionID):
                if sessionID == nil, random.next() % 4 != 0 {
                    machine.recordingStarted(sessionID: nextSessionID, now: now)
                    openSessions.insert(nextSessionID)
                    nextSessionID += 1
                }
                apply(machine.recordingFinished(recordings[Int(random.next() % UInt64(recordings.count))], now: now))
            case .disabled:
                Issue.record("never disabled in this script (step \(step))")
            case .offline, .waiting, .error, .notFound:
                let nextCheck = try #require(machine.nextCheck, "no next check at step \(step) in \(machine.state)")
                now = max(now, nextCheck)
                apply(machine.lookup(lookups[Int(random.next() % UInt64(lookups.count))], at: now))
            }
        }
        // Calm returns: offline answers for long enough always bring it back to regular checks.
        for _ in 0..<40 {
            now = now.addingTimeInterval(1_000)
            apply(machine.tick(now: now))
            if case .confirming = machine.state { apply(machine.roomChecked(.notLive, now: now)) }
            if case .recording = machine.state { apply(machine.recordingFinished(.streamEnded, now: now)) }
            if machine.nextCheck != nil { apply(machine.lookup(.offline, at: now)) }
        }
        #expect(closedTwiceOrUnknown.isEmpty, "sessions ended that were not open: \(closedTwiceOrUnknown)")
        #expect(machine.state == .offline)
        #expect(machine.consecutiveFailures == 0)
        #expect(openSessions.isEmpty)
        let gap = try #require(machine.nextCheck).timeIntervalSince(now)
        #expect(gap >= 54 && gap <= 66)
    }
}
