import Foundation

extension CreatorMachine {
    /// Where a creator is in its watch cycle.
    public enum State: Sendable, Equatable {
        /// Not watched (disabled or removed in the configuration).
        case disabled
        /// Not live; looked up every `interval`.
        case offline
        /// A lookup said live; room/info (the second source) was asked about `roomID`.
        case confirming(roomID: String)
        /// Being recorded; `sessionID` is nil until `recordingStarted` (or the continued session's id).
        case recording(roomID: String, sessionID: SessionID?)
        /// The live dropped; a return before `until` continues `sessionID` as its next part.
        case waiting(sessionID: SessionID, until: Date)
        /// A failure; retried with backoff (`nextCheck` is set).
        case error(message: String)
        /// TikTok does not know the username; looked up every `notFoundInterval`.
        case notFound

        /// True when both values are the same case, whatever their payloads.
        func isSameCase(as other: State) -> Bool {
            switch (self, other) {
            case (.disabled, .disabled), (.offline, .offline), (.confirming, .confirming), (.recording, .recording),
                (.waiting, .waiting), (.error, .error), (.notFound, .notFound):
                return true
            default:
                return false
            }
        }
    }

    /// What the owner must do.
    public enum Action: Sendable, Equatable {
        /// Ask room/info (the second source) about `roomID`, then call `roomChecked`.
        case confirm(roomID: String)
        /// Record `roomID`; `continuing` is the session it continues as a new part, nil for a new session.
        case startRecording(roomID: String, continuing: SessionID?)
        /// Close the session in the catalog.
        case endSession(SessionID, reason: SessionEndReason)
    }

    /// What a per-creator lookup (`api-live/user/room`) found.
    public enum LookupOutcome: Sendable, Equatable {
        /// Status 4, or not live.
        case offline
        /// Status 2 or 3 with a room id.
        case live(roomID: String)
        /// TikTok does not know the username.
        case notFound
        /// WAF, captcha, 403 or 429: the budget backs off globally; not an error of this creator.
        case blocked
        /// Any other failure (network, unexpected answer).
        case failed(message: String)

        /// Short text for the status page.
        var summary: String {
            switch self {
            case .offline: "offline"
            case .live(let roomID): "live in room \(roomID)"
            case .notFound: "username not found"
            case .blocked: "blocked by TikTok"
            case .failed(let message): "lookup failed: \(message)"
            }
        }
    }

    /// What room/info said about the room a lookup reported live.
    public enum RoomOutcome: Sendable, Equatable {
        /// room/info status 2 (`paused` false) or 3 (`paused` true); `hasStream` when it carries a stream URL.
        case live(roomID: String, paused: Bool, hasStream: Bool)
        /// Status 4, gone, or "offline".
        case notLive
        /// WAF, captcha, 403 or 429.
        case blocked
        /// Any other failure.
        case failed(message: String)

        /// Short text for the status page.
        var summary: String {
            switch self {
            case .live(let roomID, let paused, let hasStream):
                "room \(roomID) \(paused ? "paused" : "live")\(hasStream ? "" : " without a stream")"
            case .notLive: "room not live"
            case .blocked: "blocked by TikTok"
            case .failed(let message): "room check failed: \(message)"
            }
        }
    }

    /// How a recording ended.
    public enum RecordingOutcome: Sendable, Equatable {
        /// The video ended (CDN closed, or TikTok's end message); the live may return.
        case streamEnded
        /// An operator stopped it: the session ends now, and that room id is not recorded again.
        case stopped
        /// Nothing could be recorded (no playable stream, output not writable…).
        case failed(message: String)
    }

    /// The waiting session a confirmation under way would continue.
    struct PendingSession: Sendable, Equatable {
        /// The session to continue.
        var sessionID: SessionID
        /// The end of its return window.
        var until: Date
    }
}
