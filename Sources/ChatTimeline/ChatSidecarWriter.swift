import Foundation
import TikTokLive

/// Writes a recording's events next to its video: `<base>.chat.jsonl` (every event) and `<base>.vtt` (cues).
///
/// Each line and cue is written to disk as it is accepted, so a crash loses at most the event in flight.
/// Events are held until the ``MediaClock`` has settled (3 s of media seen, so the CDN's connect burst no longer
/// decides the mapping) or until ``close()``; after that each is written as it arrives. Not thread-safe: one task feeds it. Call ``close()`` once at the end.
public final class ChatSidecarWriter {
    /// The JSON Lines file.
    public let jsonLinesPath: String
    /// The WebVTT file.
    public let webVTTPath: String
    /// Events written so far.
    public private(set) var eventCount = 0
    /// Diamonds counted so far: the sum of the written gift records' `countedDiamonds`.
    public private(set) var diamonds: Int64 = 0
    /// Stretches without chat written so far (``appendChatGap(from:to:reason:)``).
    public private(set) var chatGaps = 0
    /// The event types (`LiveEvent/type`) written to the files, or `nil` for all. Events of other types are
    /// dropped here; the caller still sees them.
    public var eventTypes: Set<String>?
    /// How long each cue stays on screen, seconds.
    public var cueDuration: Double = 4
    /// Called with each cue (start, end in seconds on the media timeline, text) as it is written to the WebVTT file,
    /// so the recorder can also mux it into the video's own subtitle track.
    public var onCue: (@Sendable (_ start: Double, _ end: Double, _ text: String) -> Void)?

    private let clock: MediaClock
    private let jsonLines: FileHandle
    private let webVTT: FileHandle
    private var pending: [(event: LiveEvent, receivedAt: Int64)] = []
    private var cueIndex = 0
    private var lastCueStart = 0.0

    /// Creates both files (replacing existing ones) at `basePath` + `.chat.jsonl` / `.vtt`.
    /// - Throws: when a file cannot be created (missing folder, no permission, full disk).
    public init(basePath: String, clock: MediaClock) throws {
        self.jsonLinesPath = basePath + ".chat.jsonl"
        self.webVTTPath = basePath + ".vtt"
        self.clock = clock
        self.jsonLines = try Self.create(self.jsonLinesPath)
        self.webVTT = try Self.create(self.webVTTPath)
        try self.webVTT.write(contentsOf: Data(WebVTT.header.utf8))
    }

    private static func create(_ path: String) throws -> FileHandle {
        guard FileManager.default.createFile(atPath: path, contents: nil) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
        }
        return try FileHandle(forWritingTo: URL(fileURLWithPath: path))
    }

    /// Accepts one event, stamped with its local arrival time (Unix ms).
    public func append(_ event: LiveEvent, receivedAt: Int64) throws {
        if let types = self.eventTypes, !types.contains(event.type) { return }
        guard self.clock.isSettled else {
            self.pending.append((event, receivedAt))
            return
        }
        try self.flushPending()
        try self.write(event, receivedAt: receivedAt)
    }

    /// Records a stretch of the live without chat (the event feed was down): a `chatGap` line with the stretch's
    /// local times (Unix ms; `to` is `null` when the feed never came back) and, where the video clock knows them,
    /// its times on the video. A reader thus tells "nobody chatted" from "chat was not received".
    public func appendChatGap(from: Int64, to: Int64?, reason: String) throws {
        if self.clock.isSettled { try self.flushPending() }
        let videoFrom = self.clock.mediaTime(serverTimeMilliseconds: from)
        let videoTo = to.flatMap { self.clock.mediaTime(serverTimeMilliseconds: $0) }
        let line = JSONValue.object([
            ("type", .string("chatGap")), ("from", .int(from)), ("to", to.map { JSONValue.int($0) } ?? .null),
            ("videoFrom", videoFrom.map { JSONValue.double($0) } ?? .null),
            ("videoTo", videoTo.map { JSONValue.double($0) } ?? .null), ("reason", .string(reason)),
        ])
        try self.jsonLines.write(contentsOf: Data((line.serialized() + "\n").utf8))
        self.chatGaps += 1
    }

    /// Writes held events and closes both files.
    public func close() throws {
        try self.flushPending()
        try self.jsonLines.close()
        try self.webVTT.close()
    }

    private func flushPending() throws {
        let held = self.pending
        self.pending.removeAll()
        for item in held { try self.write(item.event, receivedAt: item.receivedAt) }
    }

    private func write(_ event: LiveEvent, receivedAt: Int64) throws {
        let serverTime = event.createTime != 0 ? event.createTime : receivedAt
        let timed = TimedEvent(event: event, videoTime: self.clock.mediaTime(serverTimeMilliseconds: serverTime), receivedAt: receivedAt)
        try self.jsonLines.write(contentsOf: Data((timed.jsonLine + "\n").utf8))
        self.eventCount += 1
        if case .gift(let gift) = event.kind, let counted = gift.countedDiamonds { self.diamonds += counted }
        if let text = timed.cueText, let videoTime = timed.videoTime {
            // WebVTT wants cue start times in order; an event stamped earlier than the last cue joins it there.
            let start = max(videoTime, self.lastCueStart, 0)
            self.lastCueStart = start
            self.cueIndex += 1
            try self.webVTT.write(
                contentsOf: Data(WebVTT.cue(index: self.cueIndex, start: start, end: start + self.cueDuration, text: text).utf8)
            )
            self.onCue?(start, start + self.cueDuration, text)
        }
    }
}
