import CurlTransport
import Foundation
import Logging
import Synchronization
import TikTokLive

/// Watches every configured creator and records their lives: the one actor that owns the creators' state machines,
/// the detection scheduler, the request budget and the recordings in progress.
///
/// The pure parts decide (``CreatorMachine``, ``DetectionScheduler``, ``RequestBudget``); the watcher performs what
/// they ask (TikTok lookups, confirmations, recordings through ``CreatorRecorder``) in child tasks of one task
/// group and feeds the results back. Every TikTok web request of the process, including those a recording makes
/// itself, goes through the budget. ``run()`` returns after ``requestShutdown()`` once every recording has
/// finished its files.
public actor Watcher {
    /// A recording in progress.
    struct ActiveRecording {
        var username: String
        var sessionID: SessionID
        var partID: PartID
        var part: Int
        var roomID: String
        var title: String
        var relativeBasePath: String
        var startedAt: Date
        var plan: RecordingPlan
        var stoppedByOperator = false
    }

    var configuration: RecorderConfiguration
    let configurationFile: String?
    var configurationLoadedAt: Date
    var reloadError: String?
    let catalog: any RecordingCatalog
    let logger: Logger
    var machines: [String: CreatorMachine] = [:]
    var entries: [String: CreatorEntry] = [:]
    var order: [String] = []
    var budget: RequestBudget
    let scheduler = DetectionScheduler()
    var recordings: [String: ActiveRecording] = [:]
    var confirmedRooms: [String: RoomInfo] = [:]
    var lookupsInFlight = 0
    var nextAliveSweep: Date
    var nextFeedSweep: Date
    var feedPausedUntil: Date?
    var feedInUse = false
    var nextProgressUpdate: Date
    var nextDiskCheck = Date.distantPast
    var diskFreeBytes: Int64?
    var lowSpace = false
    let startedAt: Date
    let wakeup = Wakeup()
    private let shutdownRequested = Atomic<Bool>(false)

    /// Most lookups in flight at once.
    static let maximumLookupsInFlight = 8
    /// Below this share of `minimumFreeSpace`, recordings in progress are finished before the disk fills.
    static let stopRecordingsBelowShare = 0.25

    /// Creates a watcher for `configuration`, continuing `openSessions` (sessions left open by the last run).
    public init(
        configuration: RecorderConfiguration, file: String?, catalog: any RecordingCatalog, openSessions: [SessionRecord] = [],
        logger: Logger
    ) {
        let now = Date()
        self.configuration = configuration
        self.configurationFile = file
        self.configurationLoadedAt = now
        self.catalog = catalog
        self.logger = logger
        self.budget = RequestBudget(requestsPerMinute: configuration.watch.requestsPerMinute, now: now)
        self.startedAt = now
        self.nextAliveSweep = now
        self.nextFeedSweep = now
        self.nextProgressUpdate = now
        let resuming = Dictionary(openSessions.map { ($0.creator.lowercased(), $0.id) }, uniquingKeysWith: { first, _ in first })
        var machines: [String: CreatorMachine] = [:]
        for entry in configuration.creators {
            let key = entry.username.lowercased()
            self.entries[key] = entry
            self.order.append(key)
            let settings = Self.watchSettings(entry, configuration)
            if let session = resuming[key] {
                machines[key] = CreatorMachine(username: entry.username, settings: settings, resuming: session, now: now)
            } else {
                machines[key] = CreatorMachine(username: entry.username, settings: settings, now: now)
            }
        }
        self.machines = machines
        // Sessions of creators no longer configured cannot continue: they are closed at the first turn of the loop.
        self.orphanSessions = openSessions.filter { machines[$0.creator.lowercased()] == nil }.map(\.id)
    }

    var orphanSessions: [SessionID] = []
    /// Machine actions produced outside the loop (a reload), performed at its next turn.
    var pendingActions: [(key: String, actions: [CreatorMachine.Action])] = []

    /// Asks the watcher to stop: no new check or recording starts, every recording is stopped and finishes its
    /// files, then ``run()`` returns. Safe to call from any thread (a signal handler's task, a shutdown hook).
    public nonisolated func requestShutdown() {
        self.shutdownRequested.store(true, ordering: .sequentiallyConsistent)
        self.wakeup.poke()
    }

    var isShuttingDown: Bool { self.shutdownRequested.load(ordering: .sequentiallyConsistent) }

    /// Runs until ``requestShutdown()`` and every recording has finished (or the task is cancelled, which also
    /// finishes every file).
    public func run() async {
        self.logger.notice(
            "watching creators",
            metadata: [
                "creators": "\(self.order.count)", "requestsPerMinute": "\(self.configuration.watch.requestsPerMinute)",
                "output": "\(self.configuration.output)",
            ]
        )
        await withDiscardingTaskGroup { group in
            var stopsRaised = false
            while true {
                let now = Date()
                if self.isShuttingDown || Task.isCancelled {
                    if !stopsRaised {
                        stopsRaised = true
                        self.logger.notice("shutting down: finishing every recording", metadata: ["recordings": "\(self.recordings.count)"])
                        for recording in self.recordings.values { recording.plan.stop.stop() }
                    }
                    if self.recordings.isEmpty { break }
                    await self.wakeup.sleep(until: now.addingTimeInterval(1))
                    continue
                }
                await self.closeOrphanSessions()
                for (key, actions) in self.pendingActions { group.addTask { await self.perform(actions, for: key) } }
                self.pendingActions = []
                self.checkDisk(now: now)
                for key in self.order {
                    guard var machine = self.machines[key] else { continue }
                    let actions = machine.tick(now: now)
                    self.machines[key] = machine
                    if !actions.isEmpty { group.addTask { await self.perform(actions, for: key) } }
                }
                self.dropRemovedCreators()
                var wakeAt = now.addingTimeInterval(5)
                let limit = Self.maximumLookupsInFlight - self.lookupsInFlight
                if limit > 0 {
                    let (due, next) = self.scheduler.due(
                        self.order.compactMap { self.machines[$0] }, budget: &self.budget, now: now, limit: limit
                    )
                    for username in due {
                        let key = username.lowercased()
                        self.machines[key]?.lookupStarted(now: now)
                        self.lookupsInFlight += 1
                        group.addTask { await self.lookUp(key) }
                    }
                    if let next { wakeAt = min(wakeAt, next) }
                }
                if now >= self.nextAliveSweep {
                    self.nextAliveSweep = now.addingTimeInterval(self.aliveSweepInterval)
                    if !self.recordings.isEmpty { group.addTask { await self.sweepAlive() } }
                }
                if now >= self.nextFeedSweep {
                    self.nextFeedSweep = now.addingTimeInterval(self.configuration.watch.interval)
                    if self.feedEnabled(now: now) { group.addTask { await self.sweepFollowingFeed() } }
                }
                if now >= self.nextProgressUpdate {
                    self.nextProgressUpdate = now.addingTimeInterval(30)
                    group.addTask { await self.saveProgress() }
                }
                wakeAt = min(wakeAt, self.nextAliveSweep, self.nextFeedSweep)
                await self.wakeup.sleep(until: max(wakeAt, now.addingTimeInterval(0.05)))
            }
        }
        self.logger.notice("watcher stopped")
    }

    /// How often the ends of lives in progress are confirmed with one batched `check_alive`.
    var aliveSweepInterval: TimeInterval { max(10, self.configuration.watch.interval) }

    /// Creators removed from the configuration leave once nothing of theirs is in flight.
    private func dropRemovedCreators() {
        for key in self.order
        where self.machines[key]?.removed == true && self.machines[key]?.isIdle == true
            && self.recordings[key] == nil
        {
            self.machines[key] = nil
            self.entries[key] = nil
            self.order.removeAll { $0 == key }
            self.logger.notice("creator no longer watched", metadata: ["creator": "\(key)"])
        }
    }

    private func closeOrphanSessions() async {
        guard !self.orphanSessions.isEmpty else { return }
        let sessions = self.orphanSessions
        self.orphanSessions = []
        for id in sessions {
            do {
                try await self.catalog.closeSession(id, reason: SessionEndReason.disabled.rawValue, at: Date())
            } catch {
                self.logger.error("catalog: closing a session failed", metadata: ["session": "\(id)", "error": "\(error)"])
            }
        }
    }

    /// Performs a machine's actions in order, feeding each result back (which may ask for more).
    func perform(_ actions: [CreatorMachine.Action], for key: String) async {
        for action in actions {
            switch action {
            case .confirm(let roomID):
                await self.confirm(key, roomID: roomID)
            case .startRecording(let roomID, let continuing):
                await self.record(key, roomID: roomID, continuing: continuing)
            case .endSession(let session, let reason):
                do {
                    try await self.catalog.closeSession(session, reason: reason.rawValue, at: Date())
                    self.logger.notice(
                        "session ended", metadata: ["creator": "\(key)", "session": "\(session)", "reason": "\(reason.rawValue)"]
                    )
                } catch {
                    self.logger.error("catalog: closing a session failed", metadata: ["session": "\(session)", "error": "\(error)"])
                }
            }
        }
        self.wakeup.poke()
    }

    /// Operator: check `username` now (it goes first within the budget).
    public func checkNow(_ username: String) -> Bool {
        let key = username.lowercased()
        guard self.machines[key] != nil else { return false }
        self.machines[key]?.checkNow(now: Date())
        self.wakeup.poke()
        return true
    }

    /// Operator: stop `username`'s recording; its files are finished and its session ends. Returns false when
    /// nothing is being recorded for that creator.
    public func stopRecording(_ username: String) -> Bool {
        let key = username.lowercased()
        guard self.recordings[key] != nil else { return false }
        self.recordings[key]?.stoppedByOperator = true
        self.recordings[key]?.plan.stop.stop()
        return true
    }
}
