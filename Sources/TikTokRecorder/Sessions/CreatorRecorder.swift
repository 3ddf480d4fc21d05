import ChatTimeline
import CurlTransport
import Foundation
import LiveMedia
import Logging
import Synchronization
import TikTokLive

/// Watches one creator and records their live: video to MP4 and events to a synced JSON Lines + WebVTT sidecar.
///
/// Detection polls the web API at ``Configuration/pollInterval`` and treats only status 2 as live. A session
/// runs the video download and the event feed side by side in one task group; the chat is placed on the video's
/// timeline through a shared ``MediaClock``. The session ends when the CDN ends the stream, or
/// ``Configuration/endGrace`` after TikTok's stream-end message, whichever is first. Cancelling the calling task
/// stops both and still finishes every file.
public struct CreatorRecorder: Sendable {
    /// How the recorder behaves.
    public struct Configuration: Sendable {
        /// Where TikTok is.
        public var tiktok: TikTokLiveConfiguration
        /// The folder recordings are written to (created if missing).
        public var outputDirectory: String
        /// Gap between live checks while the creator is offline.
        public var pollInterval: Duration
        /// How long to keep recording video after TikTok says the stream ended.
        public var endGrace: Duration
        /// How long to keep collecting events after the video ends (trailing messages).
        public var eventLinger: Duration
        /// Abort the video download after this long without data.
        public var stallTimeout: Duration

        /// Creates a configuration with defaults suited to real TikTok (30 s polling).
        public init(
            tiktok: TikTokLiveConfiguration, outputDirectory: String, pollInterval: Duration = .seconds(30),
            endGrace: Duration = .seconds(5), eventLinger: Duration = .seconds(2), stallTimeout: Duration = .seconds(15)
        ) {
            self.tiktok = tiktok
            self.outputDirectory = outputDirectory
            self.pollInterval = pollInterval
            self.endGrace = endGrace
            self.eventLinger = eventLinger
            self.stallTimeout = stallTimeout
        }
    }

    /// How the recorder behaves.
    public let configuration: Configuration
    private let client: TikTokLiveClient
    private let logger: Logger

    /// Creates a recorder; nothing happens until ``recordNextLive(username:)``.
    public init(configuration: Configuration, logger: Logger) {
        self.configuration = configuration
        self.client = TikTokLiveClient(configuration: configuration.tiktok, logger: logger)
        self.logger = logger
    }

    /// Waits until `username` is live, records that live to its end and returns what was written.
    /// - Throws: ``TikTokLiveError`` (user not found, blocked, …), ``RecorderError``, or media errors when no video
    ///   could be recorded at all. Transient lookup failures while waiting are logged and retried.
    public func recordNextLive(username: String) async throws -> SessionSummary {
        let room = try await self.waitUntilLive(username: username)
        return try await self.record(username: username, room: room)
    }

    /// Polls until the creator is live and the room lists a stream.
    public func waitUntilLive(username: String) async throws -> RoomInfo {
        var logger = self.logger
        logger[metadataKey: "creator"] = "\(username)"
        while true {
            do {
                let user = try await self.client.userInfo(username: username)
                if user.isLive, let roomID = user.roomID {
                    let room = try await self.client.roomInfo(roomID: roomID)
                    if room.isLive {
                        logger.notice("creator is live", metadata: ["room.id": "\(room.id)", "title": "\(room.title)"])
                        return room
                    }
                }
                logger.debug("creator is offline")
            } catch let error as TikTokLiveError {
                if case .userNotFound = error { throw error }
                logger.warning("live check failed; retrying", metadata: ["error": "\(error)"])
            }
            try await Task.sleep(for: self.configuration.pollInterval)
        }
    }

    /// Records one live room until it ends, into `<output>/<username>_<UTC start time>_<room id>.*`.
    public func record(username: String, room: RoomInfo) async throws -> SessionSummary {
        let basePath = try self.outputBasePath(username: username, roomID: room.id)
        return try await self.record(username: username, room: room, plan: RecordingPlan(basePath: basePath))
    }

    /// Records one live room until it ends, as `plan` says.
    ///
    /// The video and the event feed run side by side. The event feed is half of the recording: when it fails it is
    /// re-opened for as long as the video lasts (switching to the signature-free transport when the sign server
    /// refuses or rate-limits), and every stretch without chat is written to the sidecar as a `chatGap` record.
    /// - Throws: ``RecorderError`` (no playable stream, output not writable) or the media error when no video could
    ///   be recorded at all; cancellation stops the recording and still finishes every file.
    public func record(username: String, room: RoomInfo, plan: RecordingPlan) async throws -> SessionSummary {
        guard let selection = StreamSelection.select(from: room.variants, policy: plan.streamPolicy) else {
            throw RecorderError.noPlayableStream(roomID: room.id)
        }
        var logger = self.logger
        logger[metadataKey: "creator"] = "\(username)"
        logger[metadataKey: "room.id"] = "\(room.id)"
        logger.info("recording", metadata: ["stream.choice": "\(selection.reason)"])
        let sessionLogger = logger

        let basePath = plan.basePath
        try Self.createFolder((basePath as NSString).deletingLastPathComponent)
        let clock = MediaClock()
        let stop = plan.stop
        let endSeen = StreamEndFlag()
        let mediaOptions = LiveStreamRecorder.Options(
            source: selection.url,
            headers: [
                ("User-Agent", self.configuration.tiktok.userAgent), ("Referer", "https://www.tiktok.com/"),
                ("Origin", "https://www.tiktok.com"),
            ],
            proxy: ProxyResolver(configuration: self.configuration.tiktok).httpProxy,
            outputPath: basePath + ".mp4",
            stallTimeout: self.configuration.stallTimeout,
            segmenting: plan.segmenting,
            statisticsPath: basePath + ".stats.json"
        )
        let sidecar: ChatSidecarWriter
        do {
            sidecar = try ChatSidecarWriter(basePath: basePath, clock: clock)
        } catch {
            throw RecorderError.outputNotWritable(path: basePath + ".chat.jsonl", reason: "\(error)")
        }
        sidecar.eventTypes = plan.eventTypes
        // The chat cues also go into the MP4's own timed-text track, as crash-safe as the video.
        let cues = TimedTextCueQueue()
        sidecar.onCue = { start, end, text in cues.add(TimedTextCue(start: start, end: end, text: text)) }
        let sidecarBox = SidecarBox(sidecar)
        let monitor = plan.monitor

        enum Part: Sendable {
            case media(RecordingSummary)
            case events(error: String?)
            case streamEndGraceElapsed
            case lingerElapsed
            case noStreamEnd
        }
        let (streamEnded, streamEndedContinuation) = AsyncStream.makeStream(of: Void.self)

        var media: RecordingSummary?
        var feedError: String?
        do {
            try await withThrowingTaskGroup(of: Part.self) { group in
                group.addTask {
                    .media(
                        try await LiveStreamRecorder().record(mediaOptions, stop: stop, cues: cues, progress: monitor.progress) {
                            arrival in
                            clock.observe(mediaTime: arrival.mediaTime, wallClock: arrival.wallClock)
                        }
                    )
                }
                group.addTask { [self] in
                    let logger = sessionLogger
                    let feed = ChatFeed(
                        configuration: self.configuration.tiktok, roomID: room.id, currentRoom: plan.currentRoom, logger: logger,
                        sidecar: sidecarBox,
                        monitor: monitor
                    )
                    let error = await feed.run { event in
                        if event.isStreamEnd, endSeen.markFirst() {
                            logger.notice("TikTok says the stream ended", metadata: ["event.msgId": "\(event.msgID)"])
                            streamEndedContinuation.yield()
                        }
                        return endSeen.isSet
                    }
                    return .events(error: error)
                }
                // After TikTok's end message, the video gets `endGrace` to end by itself before it is stopped.
                group.addTask { [grace = self.configuration.endGrace] in
                    for await _ in streamEnded {
                        try? await Task.sleep(for: grace)
                        return .streamEndGraceElapsed
                    }
                    return .noStreamEnd
                }
                var eventsDone = false
                while let part = try await group.next() {
                    switch part {
                    case .media(let summary):
                        media = summary
                        streamEndedContinuation.finish()
                        if !eventsDone {
                            group.addTask { [linger = self.configuration.eventLinger] in
                                try? await Task.sleep(for: linger)
                                return .lingerElapsed
                            }
                        }
                    case .events(let error):
                        eventsDone = true
                        if let error {
                            feedError = error
                            logger.warning("event feed stopped; the video keeps recording", metadata: ["error": "\(error)"])
                        }
                    case .streamEndGraceElapsed:
                        stop.stop()
                    case .lingerElapsed:
                        if media != nil { group.cancelAll() }
                    case .noStreamEnd:
                        break
                    }
                    if media != nil && eventsDone { group.cancelAll() }
                }
            }
        } catch {
            try? sidecar.close()
            throw error
        }
        do {
            try sidecar.close()
        } catch {
            // Every line was already written as it arrived; a failed close loses nothing but is worth a warning.
            logger.warning("closing the chat sidecar failed", metadata: ["error": "\(error)"])
        }
        guard let media else { throw CancellationError() }
        var plainCopies: [String] = []
        if plan.plainMP4 {
            // Each MP4 cut of the recording gets a plain faststart twin; the fragmented original stays.
            let files = media.statistics.segments.map(\.path)
            for file in files.isEmpty ? [media.path] : files {
                let plain = (file.hasSuffix(".mp4") ? String(file.dropLast(4)) : file) + ".plain.mp4"
                do {
                    _ = try await PlainMP4Writer.writePlainCopy(of: file, to: plain)
                    plainCopies.append(plain)
                } catch {
                    logger.warning("the plain MP4 copy failed; the fragmented file is complete", metadata: ["error": "\(error)"])
                }
            }
        }
        return SessionSummary(
            uniqueID: username, roomID: room.id, selection: selection, media: media, chatPath: sidecar.jsonLinesPath,
            subtitlesPath: sidecar.webVTTPath, eventCount: sidecar.eventCount,
            sawStreamEnd: endSeen.isSet, eventFeedError: feedError, diamonds: sidecar.diamonds, chatGaps: sidecar.chatGaps,
            plainCopies: plainCopies
        )
    }

    /// Creates `directory` (and its parents) and checks that it can be written.
    static func createFolder(_ directory: String) throws {
        guard !directory.isEmpty else { return }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw RecorderError.outputNotWritable(path: directory, reason: "\(error)")
        }
        guard FileManager.default.isWritableFile(atPath: directory) else {
            throw RecorderError.outputNotWritable(path: directory, reason: "permission denied")
        }
    }

    /// `<output>/<username>_<UTC start time>_<room id>`, creating the folder if needed.
    private func outputBasePath(username: String, roomID: String) throws -> String {
        let directory = self.configuration.outputDirectory
        try Self.createFolder(directory)
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd'T'HH-mm-ss'Z'"
        let safeName = String(username.map { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." ? $0 : "_" })
        return (directory as NSString).appendingPathComponent("\(safeName)_\(formatter.string(from: Date()))_\(roomID)")
    }
}

/// Gives the events task sole use of the sidecar writer (it is not Sendable; only that task touches it until the
/// group has finished, after which the parent closes it).
final class SidecarBox: @unchecked Sendable {
    let writer: ChatSidecarWriter
    init(_ writer: ChatSidecarWriter) { self.writer = writer }
}

/// Set once when TikTok's stream-end message arrives; read by the session after the group ends.
private final class StreamEndFlag: Sendable {
    private let flag = Atomic<Bool>(false)

    /// Sets the flag; returns whether this call was the one that set it.
    func markFirst() -> Bool { !self.flag.exchange(true, ordering: .acquiringAndReleasing) }

    var isSet: Bool { self.flag.load(ordering: .acquiring) }
}
