import Foundation
import Testing

@testable import TikTokRecorder

@Suite struct CreatorMachineTests {
    @Test func theFirstLookupIsSpreadOverOneIntervalAndRepeatable() throws {
        let names = (0..<50).map { "creator\($0)" }
        let firsts = try names.map { try #require(offset(CreatorMachine(username: $0, settings: WatchSettings(), now: at(0)).nextCheck)) }
        #expect(firsts.allSatisfy { $0 >= 0 && $0 < 60 })
        #expect(Set(firsts).count == names.count)
        let again = CreatorMachine(username: "creator7", settings: WatchSettings(), now: at(0))
        #expect(offset(again.nextCheck) == firsts[7])
    }

    @Test func anOfflineCreatorIsLookedUpEveryIntervalWithTenPercentJitter() throws {
        var machine = CreatorMachine(username: "alice", settings: WatchSettings(), now: at(0))
        var gaps: [TimeInterval] = []
        var now = at(0)
        for _ in 0..<40 {
            machine.lookupStarted(now: now)
            #expect(machine.nextCheck == nil)
            #expect(machine.lookupFinished(.offline, now: now).isEmpty)
            let next = try #require(machine.nextCheck)
            gaps.append(next.timeIntervalSince(now))
            now = next
        }
        #expect(machine.state == .offline)
        #expect(machine.lastCheck != nil)
        #expect(gaps.allSatisfy { $0 >= 54 && $0 <= 66 })
        #expect(Set(gaps).count > 30)  // spread, not one fixed value
    }

    @Test func twoCreatorsWithTheSameIntervalSpreadOut() {
        var alice = CreatorMachine(username: "alice", settings: WatchSettings(), now: at(0))
        var bob = CreatorMachine(username: "bob", settings: WatchSettings(), now: at(0))
        _ = alice.lookup(.offline, at: at(100))
        _ = bob.lookup(.offline, at: at(100))
        #expect(alice.nextCheck != bob.nextCheck)
    }

    @Test func aLiveLookupIsConfirmedBeforeRecording() {
        var machine = CreatorMachine(username: "alice", settings: WatchSettings(), now: at(0))
        #expect(machine.lookup(.live(roomID: "R1"), at: at(10)) == [.confirm(roomID: "R1")])
        #expect(machine.state == .confirming(roomID: "R1"))
        #expect(machine.nextCheck == nil)
        #expect(!machine.isIdle)

        let actions = machine.roomChecked(.live(roomID: "R1", paused: false, hasStream: true), now: at(11))
        #expect(actions == [.startRecording(roomID: "R1", continuing: nil)])
        #expect(machine.state == .recording(roomID: "R1", sessionID: nil))
        #expect(machine.liveStarts == [at(11)])
        machine.recordingStarted(sessionID: 7, now: at(12))
        #expect(machine.state == .recording(roomID: "R1", sessionID: 7))
        #expect(machine.since == at(11))
    }

    @Test func aPausedRoomWithAStreamIsRecorded() {
        var machine = CreatorMachine(username: "alice", settings: WatchSettings(), now: at(0))
        _ = machine.lookup(.live(roomID: "R1"), at: at(10))
        let actions = machine.roomChecked(.live(roomID: "R1", paused: true, hasStream: true), now: at(11))
        #expect(actions == [.startRecording(roomID: "R1", continuing: nil)])
    }

    @Test func aLiveThatEndsWaitsForItsReturnAndIsCheckedAtOnce() {
        var machine = CreatorMachine(username: "alice", settings: WatchSettings(), now: at(0))
        machine.startRecording(roomID: "R1", sessionID: 7, at: at(10))
        #expect(machine.recordingFinished(.streamEnded, now: at(1000)).isEmpty)
        #expect(machine.state == .waiting(sessionID: 7, until: at(1180)))
        #expect(machine.nextCheck == at(1000))
        #expect(machine.returnDeadline == at(1180))
        #expect(!machine.isIdle)

        #expect(machine.lookup(.offline, at: at(1001)).isEmpty)
        #expect(machine.state == .waiting(sessionID: 7, until: at(1180)))
        #expect(machine.nextCheck == at(1016))
    }

    @Test func aReturnUnderANewRoomIDContinuesTheSession() {
        var machine = CreatorMachine(username: "alice", settings: WatchSettings(), now: at(0))
        machine.startRecording(roomID: "R1", sessionID: 7, at: at(10))
        _ = machine.recordingFinished(.streamEnded, now: at(1000))
        #expect(machine.lookup(.live(roomID: "R2"), at: at(1100)) == [.confirm(roomID: "R2")])
        let actions = machine.roomChecked(.live(roomID: "R2", paused: false, hasStream: true), now: at(1101))
        #expect(actions == [.startRecording(roomID: "R2", continuing: 7)])
        #expect(machine.state == .recording(roomID: "R2", sessionID: 7))
        #expect(machine.liveStarts == [at(10)])  // a continued session is not a new start
    }

    @Test func aReturnUnderTheSameRoomIDContinuesTheSession() {
        var machine = CreatorMachine(username: "alice", settings: WatchSettings(), now: at(0))
        machine.startRecording(roomID: "R1", sessionID: 7, at: at(10))
        _ = machine.recordingFinished(.streamEnded, now: at(1000))
        _ = machine.lookup(.live(roomID: "R1"), at: at(1000))
        let actions = machine.roomChecked(.live(roomID: "R1", paused: false, hasStream: true), now: at(1000))
        #expect(actions == [.startRecording(roomID: "R1", continuing: 7)])
    }

    @Test func theSessionEndsWhenTheWindowRunsOut() {
        var machine = CreatorMachine(username: "alice", settings: WatchSettings(), now: at(0))
        machine.startRecording(roomID: "R1", sessionID: 7, at: at(10))
        _ = machine.recordingFinished(.streamEnded, now: at(1000))
        #expect(machine.tick(now: at(1179)).isEmpty)
        #expect(machine.tick(now: at(1180)) == [.endSession(7, reason: .ended)])
        #expect(machine.state == .offline)
        #expect(machine.isIdle)
        #expect(machine.nextCheck.map { $0 > at(1180) } == true)
        #expect(machine.tick(now: at(1200)).isEmpty)
    }

    @Test func anOfflineLookupAfterTheWindowEndsTheSession() {
        var machine = CreatorMachine(username: "alice", settings: WatchSettings(), now: at(0))
        machine.startRecording(roomID: "R1", sessionID: 7, at: at(10))
        _ = machine.recordingFinished(.streamEnded, now: at(1000))
        #expect(machine.lookup(.offline, at: at(1185)) == [.endSession(7, reason: .ended)])
        #expect(machine.state == .offline)
    }

    @Test func aLiveSeenAfterTheWindowStartsANewSession() {
        var machine = CreatorMachine(username: "alice", settings: WatchSettings(), now: at(0))
        machine.startRecording(roomID: "R1", sessionID: 7, at: at(10))
        _ = machine.recordingFinished(.streamEnded, now: at(1000))
        let actions = machine.lookup(.live(roomID: "R2"), at: at(1200))
        #expect(actions == [.endSession(7, reason: .ended), .confirm(roomID: "R2")])
        #expect(
            machine.roomChecked(.live(roomID: "R2", paused: false, hasStream: true), now: at(1201))
                == [.startRecording(roomID: "R2", continuing: nil)])
    }

    @Test func aPauseKeepsTheWaitingSessionAndExtendsItsWindow() {
        var machine = CreatorMachine(username: "alice", settings: WatchSettings(), now: at(0))
        machine.startRecording(roomID: "R1", sessionID: 7, at: at(10))
        _ = machine.recordingFinished(.streamEnded, now: at(1000))
        _ = machine.lookup(.live(roomID: "R1"), at: at(1150))
        #expect(machine.roomChecked(.live(roomID: "R1", paused: true, hasStream: false), now: at(1150)).isEmpty)
        #expect(machine.state == .waiting(sessionID: 7, until: at(1330)))
        #expect(machine.nextCheck == at(1165))
        #expect(machine.tick(now: at(1200)).isEmpty)  // the old window's end no longer ends it
    }

    @Test func aPausedRoomWithoutASessionIsCheckedAgainSoon() {
        var machine = CreatorMachine(username: "alice", settings: WatchSettings(), now: at(0))
        _ = machine.lookup(.live(roomID: "R1"), at: at(100))
        #expect(machine.roomChecked(.live(roomID: "R1", paused: true, hasStream: false), now: at(101)).isEmpty)
        #expect(machine.state == .offline)
        #expect(machine.nextCheck == at(116))
        #expect(machine.liveStarts.isEmpty)
    }

    @Test func aRoomThatIsNotLiveGoesBackToWaitingOrOffline() throws {
        var machine = CreatorMachine(username: "alice", settings: WatchSettings(), now: at(0))
        _ = machine.lookup(.live(roomID: "R1"), at: at(100))
        #expect(machine.roomChecked(.notLive, now: at(101)).isEmpty)
        #expect(machine.state == .offline)
        let gap = try #require(machine.nextCheck).timeIntervalSince(at(101))
        #expect(gap >= 54 && gap <= 66)

        machine.startRecording(roomID: "R2", sessionID: 9, at: at(200))
        _ = machine.recordingFinished(.streamEnded, now: at(1000))
        _ = machine.lookup(.live(roomID: "R2"), at: at(1050))
        #expect(machine.roomChecked(.live(roomID: "R2", paused: false, hasStream: false), now: at(1051)).isEmpty)
        #expect(machine.state == .waiting(sessionID: 9, until: at(1180)))
        #expect(machine.nextCheck == at(1066))
    }

    @Test func aRoomCheckAfterTheWindowEndsTheWaitingSession() {
        var machine = CreatorMachine(username: "alice", settings: WatchSettings(), now: at(0))
        machine.startRecording(roomID: "R1", sessionID: 7, at: at(10))
        _ = machine.recordingFinished(.streamEnded, now: at(1000))
        _ = machine.lookup(.live(roomID: "R1"), at: at(1170))
        #expect(machine.roomChecked(.notLive, now: at(1190)) == [.endSession(7, reason: .ended)])
        #expect(machine.state == .offline)
    }

    @Test func anOperatorStopEndsTheSessionAndThatRoomIsNotRecordedAgain() {
        var machine = CreatorMachine(username: "alice", settings: WatchSettings(), now: at(0))
        machine.startRecording(roomID: "R1", sessionID: 7, at: at(10))
        #expect(machine.recordingFinished(.stopped, now: at(500)) == [.endSession(7, reason: .stopped)])
        #expect(machine.state == .offline)
        #expect(machine.stoppedRoomID == "R1")

        #expect(machine.lookup(.live(roomID: "R1"), at: at(600)).isEmpty)
        #expect(machine.state == .offline)
        #expect(machine.nextCheck != nil)
        #expect(machine.lookup(.live(roomID: "R2"), at: at(700)) == [.confirm(roomID: "R2")])
        #expect(machine.stoppedRoomID == nil)
    }

    @Test func aResumedSessionWaitsCheckedAtOnceAndContinues() {
        var machine = CreatorMachine(username: "alice", settings: WatchSettings(), resuming: 42, now: at(0))
        #expect(machine.state == .waiting(sessionID: 42, until: at(180)))
        #expect(machine.nextCheck == at(0))
        #expect(machine.returnDeadline == at(180))
        #expect(!machine.isIdle)
        _ = machine.lookup(.live(roomID: "R5"), at: at(1))
        #expect(
            machine.roomChecked(.live(roomID: "R5", paused: false, hasStream: true), now: at(2))
                == [.startRecording(roomID: "R5", continuing: 42)])
    }

    @Test func aResumedSessionEndsAfterTheWindowWhenTheCreatorStaysOffline() {
        var machine = CreatorMachine(username: "alice", settings: WatchSettings(), resuming: 42, now: at(0))
        _ = machine.lookup(.offline, at: at(0))
        #expect(machine.tick(now: at(180)) == [.endSession(42, reason: .ended)])
    }

    @Test func liveStartsKeepTheMostRecentSixtyFour() {
        var machine = CreatorMachine(username: "alice", settings: WatchSettings(), now: at(0))
        for index in 0..<70 {
            let start = at(Double(index) * 10_000)
            machine.startRecording(roomID: "R\(index)", sessionID: Int64(index), at: start)
            _ = machine.recordingFinished(.stopped, now: start.addingTimeInterval(100))
        }
        #expect(machine.liveStarts.count == 64)
        #expect(machine.liveStarts.first == at(60_000))
        #expect(machine.liveStarts.last == at(690_000))
    }
}
