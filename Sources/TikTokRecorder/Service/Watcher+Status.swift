import CurlTransport
import Foundation
import LiveMedia
import TikTokLive

// What the watcher shows: the status snapshot, and the request budget in front of every recording's requests.

extension Watcher {
    /// What the service is doing now.
    public func snapshot() -> StatusSnapshot {
        let now = Date()
        let blockedUntil = self.budget.blockedUntil(now: now)
        let creators = self.order.compactMap { key -> StatusSnapshot.Creator? in
            guard let machine = self.machines[key] else { return nil }
            var state: String
            var sessionID: Int64?
            var roomID: String?
            var lastError = machine.lastError
            switch machine.state {
            case .disabled: state = "disabled"
            case .offline: state = "offline"
            case .confirming(let room):
                state = "live"
                roomID = room
            case .recording(let room, let session):
                state = "recording"
                roomID = room
                sessionID = session
            case .waiting(let session, _):
                state = "waiting"
                sessionID = session
            case .error(let message):
                state = "error"
                lastError = message
            case .notFound:
                state = "error"
                lastError = "TikTok does not know @\(machine.username); check the spelling (it is checked again rarely)"
            }
            if blockedUntil != nil, ["offline", "error"].contains(state) { state = "blocked" }
            return StatusSnapshot.Creator(
                username: machine.username, state: state, since: machine.since, lastCheck: machine.lastCheck,
                nextCheck: machine.nextCheck, lastOutcome: machine.lastOutcome, lastError: lastError,
                consecutiveFailures: machine.consecutiveFailures, sessionID: sessionID, roomID: roomID,
                interval: machine.settings.interval
            )
        }
        let recordings = self.order.compactMap { key -> StatusSnapshot.Recording? in
            guard let recording = self.recordings[key] else { return nil }
            let statistics = recording.plan.monitor.progress.snapshot
            let file =
                statistics.segments.last.map { Self.relative($0.path, to: self.configuration.output) }
                ?? recording.relativeBasePath + ".mp4"
            return StatusSnapshot.Recording(
                username: recording.username, sessionID: recording.sessionID, part: recording.part, roomID: recording.roomID,
                title: recording.title, file: file, startedAt: recording.startedAt, seconds: statistics.mediaDuration,
                bytes: statistics.bytesOut, bitrate: statistics.bitrate, chatEvents: recording.plan.monitor.events,
                diamonds: recording.plan.monitor.diamonds, chatDown: recording.plan.monitor.isChatDown,
                chatGaps: recording.plan.monitor.chatGaps
            )
        }
        let usage = self.budget.usage(now: now)
        let enabled = self.machines.values.filter { $0.settings.enabled }.count
        return StatusSnapshot(
            creators: creators, recordings: recordings,
            budget: StatusSnapshot.Budget(
                requestsPerMinute: usage.requestsPerMinute, usedLastMinute: usage.usedLastMinute,
                usedByGroup: Dictionary(uniqueKeysWithValues: usage.usedLastMinuteByGroup.map { ($0.key.rawValue, $0.value) }),
                blockedUntil: blockedUntil,
                effectiveInterval: DetectionScheduler.effectiveInterval(
                    creators: enabled, interval: self.configuration.watch.interval,
                    requestsPerMinute: self.configuration.watch.requestsPerMinute
                ),
                followingFeed: self.feedInUse
            ),
            disk: StatusSnapshot.Disk(
                path: self.configuration.output, freeBytes: self.diskFreeBytes,
                minimumFreeBytes: self.configuration.watch.minimumFreeBytes, lowSpace: self.lowSpace
            ),
            configuration: StatusSnapshot.Configuration(
                file: self.configurationFile, loadedAt: self.configurationLoadedAt, reloadError: self.reloadError
            ),
            startedAt: self.startedAt, at: now, shuttingDown: self.isShuttingDown
        )
    }
}

extension Watcher: WebRequestGate {
    /// Waits for a token of the request's endpoint group; refuses while TikTok blocks us, so no request goes out
    /// during a backoff.
    public func admit(path: String) async throws {
        let group = Self.budgetGroup(for: path)
        guard await self.acquire(group) else {
            let wait = self.budget.blockedUntil(now: Date()).map { Int($0.timeIntervalSinceNow.rounded(.up)) }
            throw TikTokLiveError.rateLimited(endpoint: path, retryAfter: wait)
        }
    }

    /// A refusal backs every check off; an answer clears the count of refusals in a row.
    public func finished(path: String, refusal: TikTokLiveError?) async {
        if let refusal {
            self.noteRefusal(refusal)
        } else {
            self.budget.succeeded(now: Date())
        }
    }

    /// The budget group of a web request path.
    static func budgetGroup(for path: String) -> RequestBudget.Group {
        if path.contains("check_alive") { return .checkAlive }
        if path.contains("/webcast/room/info") { return .roomInfo }
        if path.contains("/webcast/feed") { return .feed }
        if path.contains("/api-live/user/room") || path.hasSuffix("/live") { return .userLookup }
        return .other
    }
}
