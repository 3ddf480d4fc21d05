import Foundation
import TikTokLive

/// Writes a recording's events next to its video: `<base>.chat.jsonl` (every event) and `<base>.vtt` (cues).
///
/// Each line and cue is written to disk as it is accepted, so a crash loses at most the event in flight.
/// Events that arrive before the first video frame are held until the ``MediaClock`` is synchronised (or until
/// ``close()``). Not thread-safe: one task feeds it. Call ``close()`` once at the end.
public final class ChatSidecarWriter {
    /// The JSON Lines file.
    public let jsonLinesPath: String
    /// The WebVTT file.
    public let webVTTPath: String
    /// Events written so far.
    public private(set) var eventCount = 0
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
        guard self.clock.isSynchronized else {
            self.pending.append((event, receivedAt))
            return
        }
        try self.flushPending()
        try self.write(event, receivedAt: receivedAt)
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
