import Foundation

@testable import TikTokRecorder

/// Monday 2026-11-23 00:00:00 UTC: the virtual clock's zero.
let monday = Date(timeIntervalSince1970: 1_795_392_000)

/// The virtual clock: `seconds` after `monday`.
func at(_ seconds: TimeInterval) -> Date {
    monday.addingTimeInterval(seconds)
}

/// Seconds from `monday` to `date`, for readable expectations.
func offset(_ date: Date?) -> TimeInterval? {
    date.map { $0.timeIntervalSince(monday) }
}

extension CreatorMachine {
    /// Runs one lookup (started and finished at `now`) and returns its actions.
    mutating func lookup(_ outcome: LookupOutcome, at now: Date) -> [Action] {
        lookupStarted(now: now)
        return lookupFinished(outcome, now: now)
    }

    /// Drives an offline creator through a confirmed live into a recording of `sessionID` at `now`.
    mutating func startRecording(roomID: String, sessionID: SessionID, at now: Date) {
        _ = lookup(.live(roomID: roomID), at: now)
        _ = roomChecked(.live(roomID: roomID, paused: false, hasStream: true), now: now)
        recordingStarted(sessionID: sessionID, now: now)
    }
}
