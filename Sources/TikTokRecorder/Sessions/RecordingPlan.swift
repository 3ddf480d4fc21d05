import CurlTransport
import Foundation
import LiveMedia
import Synchronization
import TikTokLive

/// How one live is recorded: where its files go, which stream, cuts, which events, and the handles through which
/// its owner stops it and watches it.
public struct RecordingPlan: Sendable {
    /// The files' path without extension: `<base>.mp4`, `<base>.chat.jsonl`, `<base>.vtt`, `<base>.stats.json`.
    /// Its folder is created when missing.
    public var basePath: String
    /// Which variant to pull (quality, codec preference, formats).
    public var streamPolicy: StreamPolicy
    /// Extra cuts of the MP4 by duration or size.
    public var segmenting: SegmentPolicy
    /// The event types written to the sidecars, or `nil` for all.
    public var eventTypes: Set<String>?
    /// Also write a plain (non-fragmented, faststart) copy of each MP4 at the end.
    public var plainMP4: Bool
    /// Raised to end the recording early; every file is still finished.
    public var stop: StopSignal
    /// Live figures of the recording, for a status page.
    public var monitor: RecordingMonitor
    /// Asks TikTok which room the creator is live in now (`nil` when not live or unknown). The event feed calls it
    /// when the room's feed closes before the live ended: TikTok may move a live to a new room id while the video
    /// goes on, and the chat then follows it there.
    public var currentRoom: (@Sendable () async -> String?)?

    /// Creates a plan; by default the best stream, no cuts, every event, a fresh stop signal and monitor.
    public init(
        basePath: String, streamPolicy: StreamPolicy = .best, segmenting: SegmentPolicy = SegmentPolicy(),
        eventTypes: Set<String>? = nil, plainMP4: Bool = false, stop: StopSignal = StopSignal(),
        monitor: RecordingMonitor = RecordingMonitor(), currentRoom: (@Sendable () async -> String?)? = nil
    ) {
        self.basePath = basePath
        self.streamPolicy = streamPolicy
        self.segmenting = segmenting
        self.eventTypes = eventTypes
        self.plainMP4 = plainMP4
        self.stop = stop
        self.monitor = monitor
        self.currentRoom = currentRoom
    }
}

/// Live figures of one recording, readable from any task while the recording runs: the media statistics, the
/// events written, the diamonds counted and whether the chat feed is up.
public final class RecordingMonitor: Sendable {
    /// The media statistics (bytes, duration, bitrate), updated a few times per second of media.
    public let progress = RecordingProgress()
    private let counters = Mutex(Counters())

    private struct Counters {
        var events = 0
        var diamonds: Int64 = 0
        var chatGaps = 0
        var chatDown = false
    }

    /// A monitor that has seen nothing yet.
    public init() {}

    /// Events written to the sidecar so far.
    public var events: Int { self.counters.withLock { $0.events } }
    /// Diamonds counted so far.
    public var diamonds: Int64 { self.counters.withLock { $0.diamonds } }
    /// Stretches without chat so far (the one in progress included).
    public var chatGaps: Int { self.counters.withLock { $0.chatGaps } }
    /// Whether the event feed is down right now (a stretch without chat is in progress).
    public var isChatDown: Bool { self.counters.withLock { $0.chatDown } }

    func update(events: Int, diamonds: Int64) {
        self.counters.withLock {
            $0.events = events
            $0.diamonds = diamonds
        }
    }

    func chatWentDown() {
        self.counters.withLock {
            if !$0.chatDown { $0.chatGaps += 1 }
            $0.chatDown = true
        }
    }

    func chatCameBack() { self.counters.withLock { $0.chatDown = false } }
}
