import CurlTransport
import Foundation
import Logging
import TikTokLive

// Finding the starts and ends of lives: per-creator lookups, confirmations by room info, the batched check_alive
// sweep over recordings in progress, and TikTok's Following feed when a session is configured.

extension Watcher {
    /// The TikTok client for the watcher's own requests: the scheduler has already taken their tokens.
    var detectionClient: TikTokLiveClient {
        TikTokLiveClient(configuration: self.tiktokConfiguration(proxy: self.configuration.tiktok.proxy, gated: false), logger: self.logger)
    }

    /// One creator's lookup (`api-live/user/room`), its outcome fed to the machine. The lookup slot is given back
    /// as soon as TikTok answered: what the outcome starts (a confirmation, a whole recording) runs without it.
    func lookUp(_ key: String) async {
        let started = Date()
        let outcome = await self.requestLookup(key)
        self.lookupsInFlight -= 1
        self.wakeup.poke()
        guard let outcome else { return }
        let finished = Date()
        await self.recordCheck(key, outcome: Self.describe(outcome), started: started, finished: finished)
        guard var machine = self.machines[key] else { return }
        let actions = machine.lookupFinished(outcome, now: finished)
        self.machines[key] = machine
        await self.perform(actions, for: key)
    }

    /// Asks TikTok whether `key` is live; `nil` when the creator is no longer watched.
    private func requestLookup(_ key: String) async -> CreatorMachine.LookupOutcome? {
        guard let username = self.machines[key]?.username else { return nil }
        do {
            let user = try await self.detectionClient.userInfoFromAPI(username: username)
            self.budget.succeeded(now: Date())
            let live = user.liveStatus == RoomStatus.live || user.liveStatus == RoomStatus.paused
            guard live, let roomID = user.roomID, !roomID.isEmpty else { return .offline }
            return .live(roomID: roomID)
        } catch {
            return self.lookupOutcome(for: error)
        }
    }

    /// The outcome of a failed request: a refusal by TikTok backs every check off; not-found and other failures are
    /// the creator's own.
    func lookupOutcome(for error: any Error) -> CreatorMachine.LookupOutcome {
        if let refusal = self.budgetRefusal(error) {
            self.noteRefusal(refusal)
            return .blocked
        }
        if case TikTokLiveError.userNotFound = error { return .notFound }
        if error is CancellationError { return .failed(message: "cancelled") }
        return .failed(message: "\(error)")
    }

    /// The refusal inside `error` when TikTok refused (WAF, captcha, 403, 429), else `nil`.
    func budgetRefusal(_ error: any Error) -> TikTokLiveError? {
        guard let error = error as? TikTokLiveError else { return nil }
        switch error {
        case .blocked, .rateLimited, .challengePage: return error
        default: return nil
        }
    }

    /// Every group backs off after a refusal; `Retry-After` wins when longer.
    func noteRefusal(_ refusal: TikTokLiveError) {
        var retryAfter: TimeInterval?
        if case .rateLimited(_, let seconds?) = refusal { retryAfter = TimeInterval(seconds) }
        let now = Date()
        let wasBlocked = self.budget.blockedUntil(now: now) != nil
        let until = self.budget.blocked(now: now, retryAfter: retryAfter)
        // Refusals of requests already on their way belong to the block just logged.
        guard !wasBlocked else { return }
        self.logger.warning(
            "TikTok refused a request; every check backs off", metadata: ["until": "\(until)", "refusal": "\(refusal)"]
        )
    }

    /// The second source: room info must say live (2) or paused (3), with a stream URL.
    func confirm(_ key: String, roomID: String) async {
        let started = Date()
        let outcome: CreatorMachine.RoomOutcome
        if await self.acquire(.roomInfo) {
            do {
                let room = try await self.detectionClient.roomInfo(roomID: roomID)
                self.budget.succeeded(now: Date())
                let policy = self.streamPolicy(for: key)
                let live = room.status == RoomStatus.live || room.status == RoomStatus.paused
                if live {
                    let hasStream = StreamSelection.select(from: room.variants, policy: policy) != nil
                    if hasStream { self.confirmedRooms[key] = room }
                    outcome = .live(
                        roomID: room.id.isEmpty ? roomID : room.id, paused: room.status == RoomStatus.paused, hasStream: hasStream)
                } else {
                    outcome = .notLive
                }
            } catch TikTokLiveError.offline {
                outcome = .notLive
            } catch TikTokLiveError.roomNotFound {
                outcome = .notLive
            } catch {
                if let refusal = self.budgetRefusal(error) {
                    self.noteRefusal(refusal)
                    outcome = .blocked
                } else {
                    outcome = .failed(message: "\(error)")
                }
            }
        } else {
            outcome = .blocked
        }
        await self.recordCheck(key, outcome: "room \(roomID): " + Self.describe(outcome), started: started, finished: Date())
        guard var machine = self.machines[key] else { return }
        let actions = machine.roomChecked(outcome, now: Date())
        self.machines[key] = machine
        await self.perform(actions, for: key)
    }

    /// Takes a token of `group`, waiting up to a minute for one; false while TikTok blocks us (no request is sent
    /// during a backoff) or when the wait is too long.
    func acquire(_ group: RequestBudget.Group) async -> Bool {
        let giveUp = Date().addingTimeInterval(60)
        while true {
            let now = Date()
            if self.budget.blockedUntil(now: now) != nil || self.isShuttingDown { return false }
            if self.budget.take(group, now: now) { return true }
            let next = self.budget.nextAvailable(group, now: now)
            if next > giveUp { return false }
            try? await Task.sleep(for: .milliseconds(Int(max(0.01, next.timeIntervalSince(now)) * 1000)))
            if Task.isCancelled { return false }
        }
    }

    /// The ends of lives in progress: one `check_alive` per 50 rooms; a room it calls ended is asked again by room
    /// info (a lone `check_alive` answer is never trusted), and one that says ended is stopped.
    func sweepAlive() async {
        let rooms = self.recordings.values.map { ($0.username, $0.roomID) }
        guard !rooms.isEmpty else { return }
        var alive: [String: Bool] = [:]
        for start in stride(from: 0, to: rooms.count, by: 50) {
            guard await self.acquire(.checkAlive) else { return }
            let batch = rooms[start..<min(start + 50, rooms.count)].map(\.1)
            do {
                alive.merge(try await self.detectionClient.isLive(roomIDs: batch)) { _, new in new }
                self.budget.succeeded(now: Date())
            } catch {
                if let refusal = self.budgetRefusal(error) { self.noteRefusal(refusal) }
                self.logger.info("check_alive failed; the recordings go on", metadata: ["error": "\(error)"])
                return
            }
        }
        for (key, roomID) in rooms where alive[roomID] == false {
            // A live moved to a new room id is still the same live: the recording follows it.
            if let current = await self.currentRoom(of: key), current != roomID { continue }
            guard await self.acquire(.roomInfo) else { return }
            let status: Int
            do {
                status = try await self.detectionClient.roomInfo(roomID: roomID).status
                self.budget.succeeded(now: Date())
            } catch TikTokLiveError.offline {
                status = 4
            } catch {
                if let refusal = self.budgetRefusal(error) { self.noteRefusal(refusal) }
                continue
            }
            guard status != RoomStatus.live, status != RoomStatus.paused, let recording = self.recordings[key],
                recording.roomID == roomID
            else { continue }
            self.logger.notice(
                "TikTok says the live ended (check_alive, the user lookup and room info agree); finishing the recording",
                metadata: ["creator": "\(key)", "room.id": "\(roomID)", "status": "\(status)"]
            )
            recording.plan.stop.stop()
        }
    }

    /// Whether the Following feed should be swept now: a session cookie is configured, the feed is not `off`, and
    /// (for `auto`) it did not fail in the last 10 minutes.
    func feedEnabled(now: Date) -> Bool {
        guard self.configuration.secrets.sessionID != nil, self.configuration.watch.followingFeed != .off else { return false }
        if let paused = self.feedPausedUntil, paused > now { return false }
        return true
    }

    /// TikTok's Following live list: followed creators who are live, a few per page. A watched creator listed there
    /// is confirmed at once (room info), ahead of its turn; per-creator lookups stay the fallback.
    func sweepFollowingFeed() async {
        var maxTime: Int64?
        var listed: [(key: String, roomID: String)] = []
        for _ in 0..<10 {
            guard await self.acquire(.feed) else { return }
            do {
                let page = try await self.detectionClient.followingFeed(maxTime: maxTime)
                self.budget.succeeded(now: Date())
                for room in page.rooms {
                    let key = room.ownerUniqueID.lowercased()
                    if self.machines[key] != nil { listed.append((key, room.roomID)) }
                }
                guard page.hasMore, let next = page.nextMaxTime else { break }
                maxTime = next
            } catch {
                if let refusal = self.budgetRefusal(error) { self.noteRefusal(refusal) }
                self.feedInUse = false
                self.feedPausedUntil = Date().addingTimeInterval(600)
                self.logger.warning(
                    "the Following feed failed; per-creator checks carry on alone for 10 minutes", metadata: ["error": "\(error)"]
                )
                return
            }
        }
        self.feedInUse = true
        for (key, roomID) in listed {
            // Only creators with no check in flight and nothing being confirmed or recorded.
            guard var machine = self.machines[key], machine.isIdle || Self.isWaiting(machine.state), machine.nextCheck != nil
            else { continue }
            machine.lookupStarted(now: Date())
            let actions = machine.lookupFinished(.live(roomID: roomID), now: Date())
            self.machines[key] = machine
            await self.recordCheck(key, outcome: "listed live in the Following feed", started: Date(), finished: Date())
            await self.perform(actions, for: key)
        }
    }

    static func isWaiting(_ state: CreatorMachine.State) -> Bool {
        if case .waiting = state { return true }
        return false
    }

    /// Keeps the check in the catalog's bounded history (for the creator page).
    func recordCheck(_ key: String, outcome: String, started: Date, finished: Date) async {
        let check = CheckRecord(
            creator: key, at: finished, outcome: outcome, detail: nil,
            milliseconds: Int(finished.timeIntervalSince(started) * 1000)
        )
        do {
            try await self.catalog.recordCheck(check)
        } catch {
            self.logger.debug("catalog: a check was not kept", metadata: ["error": "\(error)"])
        }
    }

    static func describe(_ outcome: CreatorMachine.LookupOutcome) -> String {
        switch outcome {
        case .offline: "offline"
        case .live(let roomID): "live in room \(roomID)"
        case .notFound: "TikTok does not know this username"
        case .blocked: "blocked by TikTok"
        case .failed(let message): "failed: \(message)"
        }
    }

    static func describe(_ outcome: CreatorMachine.RoomOutcome) -> String {
        switch outcome {
        case .live(_, let paused, let hasStream): (paused ? "paused" : "live") + (hasStream ? "" : ", no stream URL")
        case .notLive: "not live"
        case .blocked: "blocked by TikTok"
        case .failed(let message): "failed: \(message)"
        }
    }
}
