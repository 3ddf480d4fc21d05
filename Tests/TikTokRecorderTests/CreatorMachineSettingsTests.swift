import Foundation
import Testing

@testable import TikTokRecorder

@Suite struct CreatorMachineSettingsTests {
    private let disabled = WatchSettings(enabled: false)

    @Test func disablingAnIdleCreatorStopsItsLookupsAndEnablingMakesItDueNow() {
        var machine = CreatorMachine(username: "alice", settings: WatchSettings(), now: at(0))
        #expect(machine.settingsChanged(disabled, now: at(5)).isEmpty)
        #expect(machine.state == .disabled)
        #expect(machine.nextCheck == nil)
        #expect(machine.lookupFinished(.live(roomID: "R1"), now: at(6)).isEmpty)  // a lookup that was under way
        #expect(machine.state == .disabled)

        #expect(machine.settingsChanged(WatchSettings(), now: at(100)).isEmpty)
        #expect(machine.state == .offline)
        #expect(machine.nextCheck == at(100))
    }

    @Test func aCreatorDisabledInTheConfigurationStartsDisabled() {
        let machine = CreatorMachine(username: "alice", settings: disabled, now: at(0))
        #expect(machine.state == .disabled)
        #expect(machine.nextCheck == nil)
    }

    @Test func disablingAWaitingCreatorEndsItsSession() {
        var machine = CreatorMachine(username: "alice", settings: WatchSettings(), resuming: 5, now: at(0))
        #expect(machine.settingsChanged(disabled, now: at(10)) == [.endSession(5, reason: .disabled)])
        #expect(machine.state == .disabled)
        #expect(machine.tick(now: at(500)).isEmpty)
    }

    @Test func disablingWhileConfirmingEndsOnlyAContinuedSession() {
        var fresh = CreatorMachine(username: "alice", settings: WatchSettings(), now: at(0))
        _ = fresh.lookup(.live(roomID: "R1"), at: at(0))
        #expect(fresh.settingsChanged(disabled, now: at(1)).isEmpty)
        #expect(fresh.state == .disabled)
        #expect(fresh.roomChecked(.live(roomID: "R1", paused: false, hasStream: true), now: at(2)).isEmpty)
        #expect(fresh.state == .disabled)

        var returning = CreatorMachine(username: "bob", settings: WatchSettings(), resuming: 8, now: at(0))
        _ = returning.lookup(.live(roomID: "R2"), at: at(0))
        #expect(returning.settingsChanged(disabled, now: at(1)) == [.endSession(8, reason: .disabled)])
    }

    @Test func disablingWhileRecordingTakesEffectAfterTheRecording() {
        var machine = CreatorMachine(username: "alice", settings: WatchSettings(), now: at(0))
        machine.startRecording(roomID: "R1", sessionID: 7, at: at(0))
        #expect(machine.settingsChanged(disabled, now: at(50)).isEmpty)
        #expect(machine.state == .recording(roomID: "R1", sessionID: 7))
        #expect(machine.recordingFinished(.streamEnded, now: at(90)) == [.endSession(7, reason: .disabled)])
        #expect(machine.state == .disabled)
        #expect(machine.nextCheck == nil)
    }

    @Test func anOperatorStopOfADisabledCreatorIsRecordedAsStopped() {
        var machine = CreatorMachine(username: "alice", settings: WatchSettings(), now: at(0))
        machine.startRecording(roomID: "R1", sessionID: 7, at: at(0))
        _ = machine.settingsChanged(disabled, now: at(50))
        #expect(machine.recordingFinished(.stopped, now: at(60)) == [.endSession(7, reason: .stopped)])
        #expect(machine.state == .disabled)
    }

    @Test func aRemovedCreatorBecomesIdleOnceItsRecordingEnds() {
        var machine = CreatorMachine(username: "alice", settings: WatchSettings(), now: at(0))
        machine.startRecording(roomID: "R1", sessionID: 7, at: at(0))
        #expect(machine.remove(now: at(10)).isEmpty)
        #expect(machine.removed)
        #expect(!machine.isIdle)
        #expect(machine.recordingFinished(.streamEnded, now: at(20)) == [.endSession(7, reason: .disabled)])
        #expect(machine.isIdle)
        #expect(machine.removed)

        var waiting = CreatorMachine(username: "bob", settings: WatchSettings(), resuming: 9, now: at(0))
        #expect(waiting.remove(now: at(1)) == [.endSession(9, reason: .disabled)])
        #expect(waiting.isIdle)
    }

    @Test func aRemovedCreatorAddedBackIsWatchedAgain() {
        var machine = CreatorMachine(username: "alice", settings: WatchSettings(), now: at(0))
        _ = machine.remove(now: at(10))
        _ = machine.settingsChanged(WatchSettings(), now: at(20))
        #expect(!machine.removed)
        #expect(machine.state == .offline)
        #expect(machine.nextCheck == at(20))
    }

    @Test func aNewIntervalAppliesFromTheNextScheduling() throws {
        var machine = CreatorMachine(username: "alice", settings: WatchSettings(), now: at(0))
        _ = machine.lookup(.offline, at: at(100))
        let scheduled = machine.nextCheck
        _ = machine.settingsChanged(WatchSettings(interval: 600), now: at(110))
        #expect(machine.nextCheck == scheduled)
        _ = machine.lookup(.offline, at: at(200))
        let gap = try #require(machine.nextCheck).timeIntervalSince(at(200))
        #expect(gap >= 540 && gap <= 660)
    }

    @Test func aNewReturnWindowAppliesToTheNextDrop() {
        var machine = CreatorMachine(username: "alice", settings: WatchSettings(), now: at(0))
        machine.startRecording(roomID: "R1", sessionID: 7, at: at(0))
        _ = machine.settingsChanged(WatchSettings(returnWindow: 600), now: at(10))
        _ = machine.recordingFinished(.streamEnded, now: at(100))
        #expect(machine.state == .waiting(sessionID: 7, until: at(700)))
    }

    @Test func checkNowMakesALookupDueUnlessBusy() {
        var machine = CreatorMachine(username: "alice", settings: WatchSettings(), now: at(0))
        _ = machine.lookup(.offline, at: at(0))
        machine.checkNow(now: at(5))
        #expect(machine.nextCheck == at(5))

        machine.lookupStarted(now: at(5))
        machine.checkNow(now: at(6))
        #expect(machine.nextCheck == nil)  // the lookup under way is the check

        _ = machine.lookupFinished(.live(roomID: "R1"), now: at(7))
        machine.checkNow(now: at(8))
        #expect(machine.nextCheck == nil)

        var idle = CreatorMachine(username: "bob", settings: disabled, now: at(0))
        idle.checkNow(now: at(1))
        #expect(idle.nextCheck == nil)

        var waiting = CreatorMachine(username: "carol", settings: WatchSettings(), resuming: 2, now: at(0))
        _ = waiting.lookup(.offline, at: at(0))
        waiting.checkNow(now: at(3))
        #expect(waiting.nextCheck == at(3))
    }

    @Test func aSessionResumedForADisabledCreatorEndsAtTheNextTick() {
        var machine = CreatorMachine(username: "alice", settings: disabled, resuming: 4, now: at(0))
        #expect(machine.nextCheck == nil)
        #expect(machine.tick(now: at(0)) == [.endSession(4, reason: .disabled)])
        #expect(machine.state == .disabled)
    }
}
