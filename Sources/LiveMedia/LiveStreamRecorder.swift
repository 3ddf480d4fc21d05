import CurlTransport
import Foundation

/// Records a live stream or a media file into MP4 files, in-process: an input (HTTP-FLV, live HLS, an FLV, TS or MP4
/// file) → the repairing ``RecordingPipeline`` → fragmented MP4 through libavformat.
///
/// Each recording runs on a dedicated thread (download, parse and mux are blocking work), never on the cooperative
/// pool. A network source that fails after media arrived (a dropped connection, a stall caught by the watchdog) is
/// reconnected for up to ``Options/reconnectWindow``, and what comes back is spliced into the same file with the gap
/// recorded. Raising the `StopSignal` (or cancelling the calling task) ends the recording within about 100 ms; the
/// current file is always finished (trailer written) before ``record(_:stop:cues:progress:onVideoArrival:)`` returns,
/// whatever the end reason.
public struct LiveStreamRecorder: Sendable {
    /// Where to read, where to write, and how.
    public struct Options: Sendable {
        /// An `http(s)` URL (HTTP-FLV, or HLS when the path ends in `.m3u8`) or a local file (FLV, TS, MP4 …).
        public var source: String
        /// Request headers (User-Agent, Referer, Cookie); URLs only.
        public var headers: [(name: String, value: String)]
        /// Proxy URL, or `nil`; URLs only.
        public var proxy: String?
        /// The first MP4 file; later segments insert `-partN` before the extension.
        public var outputPath: String
        /// The watchdog: a source that sends nothing for this long is treated as failed (and reconnected).
        public var stallTimeout: Duration
        /// How long after a network failure the source is retried; what comes back within it is spliced into the same
        /// file. Zero: never retry.
        public var reconnectWindow: Duration
        /// Fragment length, disk sync policy, timed-text track, HEVC sample entry.
        public var output: MP4OutputOptions
        /// Extra cuts by duration or size (parameter changes always cut).
        public var segmenting: SegmentPolicy
        /// Where to write the final ``RecordingStatistics`` as JSON, or `nil`.
        public var statisticsPath: String?
        /// How often an HTTP-FLV stream is read (``MediaInputs/defaultReadInterval``): longer costs less CPU, shorter
        /// gives finer video arrival times for chat sync.
        public var readInterval: Duration

        /// Creates options: a 15 s stall watchdog, 30 s to reconnect, the default MP4 output, one file per recording.
        public init(
            source: String, headers: [(name: String, value: String)] = [], proxy: String? = nil, outputPath: String,
            stallTimeout: Duration = .seconds(15), reconnectWindow: Duration = .seconds(30),
            output: MP4OutputOptions = .default, segmenting: SegmentPolicy = SegmentPolicy(), statisticsPath: String? = nil,
            readInterval: Duration = MediaInputs.defaultReadInterval
        ) {
            self.source = source
            self.headers = headers
            self.proxy = proxy
            self.outputPath = outputPath
            self.stallTimeout = stallTimeout
            self.reconnectWindow = reconnectWindow
            self.output = output
            self.segmenting = segmenting
            self.statisticsPath = statisticsPath
            self.readInterval = readInterval
        }
    }

    /// Creates a recorder.
    public init() {}

    /// Records until the source ends, `stop` is raised or the task is cancelled.
    ///
    /// - Parameters:
    ///   - cues: timed text to mux into the MP4's subtitle track (which exists only when this is given or
    ///     ``MP4OutputOptions/subtitleTrack`` is set).
    ///   - progress: receives statistics snapshots while recording.
    ///   - onVideoArrival: called on the recording thread for every video frame written.
    /// - Returns: the summary; a source failure after media was written is reported in `endReason`, not thrown.
    /// - Throws: ``LiveMediaError`` or `CurlError` when nothing could be recorded (no file is left behind then).
    public func record(
        _ options: Options,
        stop: StopSignal = StopSignal(),
        cues: TimedTextCueQueue? = nil,
        progress: RecordingProgress? = nil,
        onVideoArrival: @escaping @Sendable (MediaArrival) -> Void = { _ in }
    ) async throws -> RecordingSummary {
        try await withTaskCancellationHandler {
            try await runOnDedicatedThread(name: "recording") {
                try Self.run(options, stop: stop, cues: cues, progress: progress, onVideoArrival: onVideoArrival)
            }
        } onCancel: {
            stop.stop()
        }
    }

    private static func run(
        _ options: Options, stop: StopSignal, cues: TimedTextCueQueue?, progress: RecordingProgress?,
        onVideoArrival: @escaping @Sendable (MediaArrival) -> Void
    ) throws -> RecordingSummary {
        var output = options.output
        if cues != nil { output.subtitleTrack = true }
        let pipeline = RecordingPipeline(
            settings: .init(outputPath: options.outputPath, segmenting: options.segmenting),
            openOutput: { path, video, audio, inBand, videoStart throws(LiveMediaError) in
                var segmentOptions = output
                segmentOptions.inBandParameterSets = output.inBandParameterSets || (inBand && video?.codec == .hevc)
                return try MP4SegmentWriter(path: path, video: video, audio: audio, options: segmentOptions, videoStart: videoStart)
            },
            cues: cues, progress: progress, onVideoArrival: onVideoArrival
        )
        var endReason = RecordingSummary.EndReason.sourceEnded
        var failure: (any Error)?
        do {
            endReason = try Self.read(options, stop: stop, into: pipeline)
        } catch {
            failure = error
            endReason = .failed("\(error)")
        }
        let statistics: RecordingStatistics
        do {
            statistics = try pipeline.finish()
        } catch {
            // The trailer could not be written (a full disk): every fragment before it still plays.
            guard pipeline.hasOutput else { throw failure ?? error }
            endReason = .failed("\(error)")
            statistics = pipeline.currentStatistics
        }
        guard pipeline.hasOutput else {
            if let failure { throw failure }
            throw LiveMediaError.noMedia(source: CurlError.redact(options.source))
        }
        if let path = options.statisticsPath { Self.writeStatistics(statistics, to: path) }
        return RecordingSummary(
            path: options.outputPath, endReason: endReason, duration: statistics.mediaDuration,
            bytesWritten: statistics.bytesOut, bytesReceived: statistics.bytesIn, videoFrames: statistics.videoFrames,
            audioFrames: statistics.audioFrames, sourceStartTimestamp: pipeline.sourceStartTimestamp,
            video: pipeline.currentVideo, audio: pipeline.currentAudio, statistics: statistics
        )
    }

    /// Reads the source into `pipeline`, reconnecting a network source within the reconnect window.
    /// - Returns: why reading ended (`.sourceEnded` or `.stopped`).
    /// - Throws: the source's error once it cannot be retried.
    private static func read(
        _ options: Options, stop: StopSignal, into pipeline: RecordingPipeline
    ) throws
        -> RecordingSummary.EndReason
    {
        let isNetwork = options.source.lowercased().hasPrefix("http://") || options.source.lowercased().hasPrefix("https://")
        var failingSince: Date?
        var attempt = 0
        while true {
            let input = try MediaInputs.open(
                options.source, headers: options.headers, proxy: options.proxy, stallTimeout: options.stallTimeout,
                readInterval: options.readInterval
            )
            let bytesBefore = pipeline.currentStatistics.bytesIn
            do {
                try input.run(stop: stop, sink: pipeline)
                return stop.isStopped ? .stopped : .sourceEnded
            } catch let error as CurlError where error.kind == .cancelled || stop.isStopped {
                return .stopped
            } catch LiveMediaError.truncated where pipeline.hasOutput {
                return .sourceEnded  // a file cut off by a crash: everything before the cut is recorded
            } catch {
                if stop.isStopped { return .stopped }
                if pipeline.currentStatistics.bytesIn > bytesBefore {
                    failingSince = nil
                    attempt = 0
                }
                if let curl = error as? CurlError, case .httpStatus(404) = curl.kind, pipeline.hasOutput {
                    return .sourceEnded  // the CDN no longer has the stream: the live is over
                }
                let since = failingSince ?? Date()
                failingSince = since
                guard isNetwork, pipeline.hasOutput, Self.isRetryable(error),
                    Date().timeIntervalSince(since) < options.reconnectWindow.seconds
                else { throw error }
                try pipeline.receive(.discontinuity(reason: "\(error)"))
                attempt += 1
                let delay = min(4.0, 0.25 * pow(2, Double(attempt - 1)))
                let until = Date().addingTimeInterval(delay)
                while Date() < until, !stop.isStopped { Thread.sleep(forTimeInterval: 0.05) }
                if stop.isStopped { return .stopped }
            }
        }
    }

    /// Network failures, stalls, server errors and data damaged in transit are worth a reconnect; a refusal
    /// (401/403: an expired signature) or a write failure is not.
    private static func isRetryable(_ error: any Error) -> Bool {
        if let curl = error as? CurlError {
            switch curl.kind {
            case .cancelled: return false
            case .stalled, .transfer: return true
            case .httpStatus(let status): return status >= 500 || status == 429
            }
        }
        switch error as? LiveMediaError {
        case .malformedFLV?: return true
        case .stalled?: return true  // an HLS playlist stopped growing
        default: return false
        }
    }

    private static func writeStatistics(_ statistics: RecordingStatistics, to path: String) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        if let data = try? encoder.encode(statistics) {
            FileManager.default.createFile(atPath: path, contents: data)
        }
    }
}

extension Duration {
    /// The duration in seconds, as a `Double`.
    var seconds: Double {
        Double(self.components.seconds) + Double(self.components.attoseconds) / 1e18
    }
}
