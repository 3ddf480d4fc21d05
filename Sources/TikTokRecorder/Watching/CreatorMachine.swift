import Foundation

/// The watch cycle of one creator, as a pure value: offline → confirming → recording → waiting → …
///
/// It owns the creator's state, its schedule (`nextCheck`) and its history (`liveStarts`), and never performs
/// anything itself: every method takes `now`, and the owner (an actor) performs the returned actions and feeds
/// their outcomes back. Failures heal by backoff; no state needs a restart to leave it.
public struct CreatorMachine: Sendable {
    /// How many recording attempts in a row may fail before a continued session is ended as `.failed`.
    public static let maximumRecordingFailures = 3
    /// How many confirmed live starts `liveStarts` keeps.
    public static let maximumLiveStarts = 64

    /// The TikTok username (unique id) being watched.
    public let username: String
    /// The settings in force.
    public private(set) var settings: WatchSettings
    /// Where the creator is in its cycle.
    public private(set) var state: State {
        didSet { updateDerivedState() }
    }
    /// When `state` last changed case (a new error text, an extended window or a filled-in session id keep it).
    public private(set) var since: Date
    /// When a lookup is due; nil while a lookup runs, and while confirming, recording or disabled.
    public private(set) var nextCheck: Date?
    /// When the last lookup finished.
    public private(set) var lastCheck: Date?
    /// Short text of the last lookup or room outcome, for the status page.
    public private(set) var lastOutcome: String?
    /// The last error text (kept after healing, for the status page).
    public private(set) var lastError: String?
    /// Lookup and room-check failures in a row; drives the backoff.
    public private(set) var consecutiveFailures: Int
    /// Confirmed starts of new sessions, most recent last, at most `maximumLiveStarts`.
    public private(set) var liveStarts: [Date]
    /// Removed from the configuration: the owner drops it once `isIdle`.
    public private(set) var removed: Bool
    /// True between `lookupStarted` and `lookupFinished`.
    public private(set) var lookupInFlight: Bool
    /// The room an operator stopped; a lookup reporting it live is ignored until another room id shows up.
    public private(set) var stoppedRoomID: String?
    /// Failed recording attempts in a row within the current session.
    public private(set) var recordingFailures: Int

    /// The waiting session that the confirmation under way continues.
    private var pending: PendingSession?
    /// The jitter source, seeded by the username.
    private var generator: SeededGenerator

    /// A creator seen for the first time: offline, first lookup due at `now + u × interval` with `u` in `0 ..< 1`
    /// (from the username's generator), so hundreds of creators added at once spread over one interval.
    /// Disabled settings start it `.disabled`.
    public init(username: String, settings: WatchSettings, now: Date) {
        self.username = username
        self.settings = settings
        self.state = settings.enabled ? .offline : .disabled
        self.since = now
        self.consecutiveFailures = 0
        self.liveStarts = []
        self.removed = false
        self.lookupInFlight = false
        self.recordingFailures = 0
        self.generator = SeededGenerator(seedingWith: username)
        updateDerivedState()
        if settings.enabled {
            nextCheck = now.addingTimeInterval(generator.nextUnit() * settings.interval)
        }
    }

    /// A creator whose session was left open when the service last stopped (crash or shutdown): it waits for the
    /// return from `now` (checked at once), and continues `sessionID` if live. With disabled settings the window
    /// is already over, and the next `tick` ends the session as `.disabled`.
    public init(username: String, settings: WatchSettings, resuming sessionID: SessionID, now: Date) {
        self.init(username: username, settings: settings, now: now)
        let until = settings.enabled ? now.addingTimeInterval(settings.returnWindow) : now
        state = .waiting(sessionID: sessionID, until: until)
        updateDerivedState()  // observers do not run inside an initialiser
        nextCheck = settings.enabled ? now : nil
    }

    /// True when nothing is in flight: not confirming, recording or waiting. (Stored, kept in step with `state`,
    /// so the scheduler reads it without copying the creator.)
    public private(set) var isIdle = true

    /// When `tick` has work to do: the end of the return window while waiting; nil otherwise. (Stored, kept in
    /// step with `state`.)
    public private(set) var returnDeadline: Date?

    private mutating func updateDerivedState() {
        switch state {
        case .waiting(_, let until):
            isIdle = false
            returnDeadline = until
        case .confirming, .recording:
            isIdle = false
            returnDeadline = nil
        case .disabled, .offline, .error, .notFound:
            isIdle = true
            returnDeadline = nil
        }
    }

    // MARK: - Lookups

    /// The owner started a lookup: `nextCheck` is nil until `lookupFinished`.
    public mutating func lookupStarted(now: Date) {
        lookupInFlight = true
        nextCheck = nil
    }

    /// A lookup finished. A live room (other than a stopped one) is sent to confirmation; a waiting session
    /// keeps waiting through offline answers and errors until its window ends. A lookup that raced with a
    /// disable or a confirmation changes nothing.
    public mutating func lookupFinished(_ outcome: LookupOutcome, now: Date) -> [Action] {
        lookupInFlight = false
        lastCheck = now
        lastOutcome = outcome.summary
        switch state {
        case .disabled, .confirming, .recording:
            return []
        case .waiting(let sessionID, let until):
            return waitingLookupFinished(outcome, waiting: PendingSession(sessionID: sessionID, until: until), now: now)
        case .offline, .error, .notFound:
            return idleLookupFinished(outcome, now: now)
        }
    }

    private mutating func idleLookupFinished(_ outcome: LookupOutcome, now: Date) -> [Action] {
        switch outcome {
        case .offline:
            consecutiveFailures = 0
            becomeOffline(now: now)
        case .live(let roomID):
            consecutiveFailures = 0
            if roomID == stoppedRoomID {
                becomeOffline(now: now)
            } else {
                stoppedRoomID = nil
                return startConfirming(roomID: roomID, continuing: nil, now: now)
            }
        case .notFound:
            consecutiveFailures = 0
            enter(.notFound, now: now)
            nextCheck = now.addingTimeInterval(settings.notFoundInterval)
        case .blocked:
            let gap = state == .notFound ? settings.notFoundInterval : jitteredInterval()
            nextCheck = now.addingTimeInterval(gap)
        case .failed(let message):
            fail(message, now: now)
        }
        return []
    }

    private mutating func waitingLookupFinished(_ outcome: LookupOutcome, waiting: PendingSession, now: Date) -> [Action] {
        switch outcome {
        case .live(let roomID) where roomID != stoppedRoomID:
            consecutiveFailures = 0
            stoppedRoomID = nil
            guard now < waiting.until else {
                // The window closed before this answer: the old session ends and the live is a new one.
                let ended = endWaitingSession(waiting.sessionID, reason: .ended, now: now)
                return ended + startConfirming(roomID: roomID, continuing: nil, now: now)
            }
            return startConfirming(roomID: roomID, continuing: waiting, now: now)
        case .failed(let message):
            consecutiveFailures += 1
            lastError = message
        case .offline, .notFound, .live:
            consecutiveFailures = 0
        case .blocked:
            break
        }
        if now >= waiting.until {
            return endWaitingSession(waiting.sessionID, reason: .ended, now: now)
        }
        nextCheck = now.addingTimeInterval(settings.waitingInterval)
        return []
    }

    // MARK: - Confirmation

    /// room/info answered about the room being confirmed. A live room with a stream starts (or continues) the
    /// recording; a paused room without a stream extends a waiting session's window; anything else goes back to
    /// waiting or offline. Ignored unless confirming.
    public mutating func roomChecked(_ outcome: RoomOutcome, now: Date) -> [Action] {
        guard case .confirming = state else { return [] }
        lastOutcome = outcome.summary
        let continuing = pending
        pending = nil
        switch outcome {
        case .live(let roomID, _, hasStream: true):
            consecutiveFailures = 0
            if continuing == nil { recordLiveStart(now) }
            enter(.recording(roomID: roomID, sessionID: continuing?.sessionID), now: now)
            nextCheck = nil
            return [.startRecording(roomID: roomID, continuing: continuing?.sessionID)]
        case .live(_, paused: true, hasStream: false):
            consecutiveFailures = 0
            if let continuing {
                enter(.waiting(sessionID: continuing.sessionID, until: now.addingTimeInterval(settings.returnWindow)), now: now)
            } else {
                enter(.offline, now: now)
            }
            nextCheck = now.addingTimeInterval(settings.waitingInterval)
            return []
        case .live(_, paused: false, hasStream: false), .notLive:
            consecutiveFailures = 0
            return returnFromConfirming(to: continuing, now: now)
        case .blocked:
            return returnFromConfirming(to: continuing, now: now)
        case .failed(let message):
            guard let continuing else {
                fail(message, now: now)
                return []
            }
            consecutiveFailures += 1
            lastError = message
            return returnFromConfirming(to: continuing, now: now)
        }
    }

    /// Back to the waiting session (ended if its window is over) or to offline, with the state's usual next check.
    private mutating func returnFromConfirming(to continuing: PendingSession?, now: Date) -> [Action] {
        guard let continuing else {
            becomeOffline(now: now)
            return []
        }
        if now >= continuing.until {
            return endWaitingSession(continuing.sessionID, reason: .ended, now: now)
        }
        enter(.waiting(sessionID: continuing.sessionID, until: continuing.until), now: now)
        nextCheck = now.addingTimeInterval(settings.waitingInterval)
        return []
    }

    // MARK: - Recording

    /// The catalog opened (or reopened) `sessionID` for the recording under way. Ignored unless recording.
    public mutating func recordingStarted(sessionID: SessionID, now: Date) {
        guard case .recording(let roomID, _) = state else { return }
        state = .recording(roomID: roomID, sessionID: sessionID)
    }

    /// The recording under way ended. A stream end waits for a return (checked at once); an operator's stop ends
    /// the session and ignores that room from then on; a failure waits for a return with `lastError` set, and
    /// after `maximumRecordingFailures` in a row ends the session as `.failed` and backs off. A creator disabled
    /// meanwhile ends its session as `.disabled`. Ignored unless recording.
    public mutating func recordingFinished(_ outcome: RecordingOutcome, now: Date) -> [Action] {
        guard case .recording(let roomID, let sessionID) = state else { return [] }
        if case .failed(let message) = outcome { lastError = message }
        if outcome == .stopped {
            stoppedRoomID = roomID
        }
        if !settings.enabled {
            recordingFailures = 0
            enter(.disabled, now: now)
            nextCheck = nil
            let reason: SessionEndReason = outcome == .stopped ? .stopped : .disabled
            return sessionID.map { [.endSession($0, reason: reason)] } ?? []
        }
        switch outcome {
        case .streamEnded:
            recordingFailures = 0
            guard let sessionID else {
                enter(.offline, now: now)
                nextCheck = now
                return []
            }
            enter(.waiting(sessionID: sessionID, until: now.addingTimeInterval(settings.returnWindow)), now: now)
            nextCheck = now
            return []
        case .stopped:
            recordingFailures = 0
            becomeOffline(now: now)
            return sessionID.map { [.endSession($0, reason: .stopped)] } ?? []
        case .failed(let message):
            guard let sessionID else {
                fail(message, now: now)
                return []
            }
            recordingFailures += 1
            guard recordingFailures < Self.maximumRecordingFailures else {
                recordingFailures = 0
                fail(message, now: now)
                return [.endSession(sessionID, reason: .failed)]
            }
            enter(.waiting(sessionID: sessionID, until: now.addingTimeInterval(settings.returnWindow)), now: now)
            nextCheck = now.addingTimeInterval(settings.waitingInterval)
            return []
        }
    }

    // MARK: - Time, settings and operators

    /// Ends a waiting session whose return window is over (`.ended`), or whose creator is disabled (`.disabled`).
    /// Call it on every wake-up; `returnDeadline` says when it has work.
    public mutating func tick(now: Date) -> [Action] {
        guard case .waiting(let sessionID, let until) = state else { return [] }
        if !settings.enabled {
            enter(.disabled, now: now)
            nextCheck = nil
            return [.endSession(sessionID, reason: .disabled)]
        }
        guard now >= until else { return [] }
        return endWaitingSession(sessionID, reason: .ended, now: now)
    }

    /// New settings from the configuration. Intervals apply from the next scheduling. Disabling takes effect at
    /// once when idle, confirming or waiting (a waiting or continued session ends as `.disabled`), and after the
    /// recording when recording. Enabling a disabled creator makes it offline with a lookup due now (and clears
    /// `removed`: it was added back).
    public mutating func settingsChanged(_ settings: WatchSettings, now: Date) -> [Action] {
        self.settings = settings
        guard settings.enabled else { return disable(now: now) }
        if state == .disabled {
            removed = false
            enter(.offline, now: now)
            nextCheck = now
        }
        return []
    }

    /// Removed from the configuration: like disabling, then `removed = true`.
    public mutating func remove(now: Date) -> [Action] {
        var disabledSettings = settings
        disabledSettings.enabled = false
        let actions = settingsChanged(disabledSettings, now: now)
        removed = true
        return actions
    }

    /// An operator asked for a lookup: it is due now, unless one is running or the creator is confirming,
    /// recording or disabled.
    public mutating func checkNow(now: Date) {
        switch state {
        case .confirming, .recording, .disabled:
            return
        case .offline, .waiting, .error, .notFound:
            if !lookupInFlight { nextCheck = now }
        }
    }

    private mutating func disable(now: Date) -> [Action] {
        var actions: [Action] = []
        switch state {
        case .disabled, .recording:
            return []
        case .waiting(let sessionID, _):
            actions = [.endSession(sessionID, reason: .disabled)]
        case .confirming:
            if let pending { actions = [.endSession(pending.sessionID, reason: .disabled)] }
            pending = nil
        case .offline, .error, .notFound:
            break
        }
        recordingFailures = 0
        enter(.disabled, now: now)
        nextCheck = nil
        return actions
    }

    // MARK: - Helpers

    private mutating func enter(_ newState: State, now: Date) {
        if !newState.isSameCase(as: state) { since = now }
        state = newState
    }

    private mutating func becomeOffline(now: Date) {
        enter(.offline, now: now)
        nextCheck = now.addingTimeInterval(jitteredInterval())
    }

    private mutating func startConfirming(roomID: String, continuing: PendingSession?, now: Date) -> [Action] {
        pending = continuing
        enter(.confirming(roomID: roomID), now: now)
        nextCheck = nil
        return [.confirm(roomID: roomID)]
    }

    private mutating func endWaitingSession(_ sessionID: SessionID, reason: SessionEndReason, now: Date) -> [Action] {
        recordingFailures = 0
        becomeOffline(now: now)
        return [.endSession(sessionID, reason: reason)]
    }

    private mutating func fail(_ message: String, now: Date) {
        consecutiveFailures += 1
        lastError = message
        enter(.error(message: message), now: now)
        nextCheck = now.addingTimeInterval(backoff(afterFailures: consecutiveFailures))
    }

    /// `errorBackoffInitial × 2^(failures − 1)`, at most `errorBackoffMax`.
    func backoff(afterFailures failures: Int) -> TimeInterval {
        let doublings = Double(min(max(failures - 1, 0), 40))
        return min(settings.errorBackoffMax, settings.errorBackoffInitial * pow(2, doublings))
    }

    /// `interval × (1 ± 10 %)` from the username's generator.
    private mutating func jitteredInterval() -> TimeInterval {
        settings.interval * (0.9 + 0.2 * generator.nextUnit())
    }

    private mutating func recordLiveStart(_ now: Date) {
        liveStarts.append(now)
        if liveStarts.count > Self.maximumLiveStarts {
            liveStarts.removeFirst(liveStarts.count - Self.maximumLiveStarts)
        }
    }
}
