import CurlTransport
import Foundation

/// Records an HTTP-FLV live stream into an MP4 file, in-process: libcurl → our FLV parser → libavformat.
///
/// Each recording runs on a dedicated thread (download, parse and mux are blocking work), never on the
/// cooperative pool. The file starts at the first video keyframe, with timestamps rebased to 0. Raising the
/// ``StopSignal`` (or cancelling the calling task) ends the download within about 100 ms; the file is always
/// finished (trailer written) before ``record(_:stop:onVideoArrival:)`` returns, whatever the end reason.
public struct LiveStreamRecorder: Sendable {
    /// Where to read and where to write.
    public struct Options: Sendable {
        /// The HTTP-FLV URL.
        public var url: String
        /// Request headers (User-Agent, Referer, Cookie).
        public var headers: [(name: String, value: String)]
        /// Proxy URL, or `nil`.
        public var proxy: String?
        /// The MP4 to create.
        public var outputPath: String
        /// Abort when no byte arrives for this long (the CDN stall watchdog).
        public var stallTimeout: Duration
        /// Write fragmented MP4 (crash-safe). Plain MP4 is only playable once finished.
        public var fragmented: Bool

        /// Creates options with a 15 s stall watchdog and fragmented output.
        public init(
            url: String, headers: [(name: String, value: String)] = [], proxy: String? = nil, outputPath: String,
            stallTimeout: Duration = .seconds(15), fragmented: Bool = true
        ) {
            self.url = url
            self.headers = headers
            self.proxy = proxy
            self.outputPath = outputPath
            self.stallTimeout = stallTimeout
            self.fragmented = fragmented
        }
    }

    private let http = CurlHTTPClient()

    /// Creates a recorder.
    public init() {}

    /// Downloads and records until the source ends, `stop` is raised or the task is cancelled.
    ///
    /// - Parameter onVideoArrival: called on the recording thread for every video frame written.
    /// - Returns: the summary; a source failure after media was written is reported in `endReason`, not thrown.
    /// - Throws: ``LiveMediaError`` or `CurlError` when nothing could be recorded (no file is left behind then).
    public func record(
        _ options: Options,
        stop: StopSignal = StopSignal(),
        onVideoArrival: @escaping @Sendable (MediaArrival) -> Void = { _ in }
    ) async throws -> RecordingSummary {
        try await withTaskCancellationHandler {
            try await runOnDedicatedThread(name: "recording") { [http] in
                let session = RecordingSession(options: options, onVideoArrival: onVideoArrival)
                var failure: (any Error)? = nil
                do {
                    _ = try http.stream(
                        HTTPRequest(
                            url: options.url, headers: options.headers, proxy: options.proxy, totalTimeout: nil,
                            stallTimeout: options.stallTimeout
                        ),
                        stop: stop
                    ) { bytes in try session.consume(bytes) }
                } catch let error as CurlError where error.kind == .cancelled {
                    session.endReason = .stopped
                } catch {
                    failure = error
                }
                return try session.finish(failure: failure)
            }
        } onCancel: {
            stop.stop()
        }
    }
}

/// The state of one recording, confined to its thread.
private final class RecordingSession {
    let options: LiveStreamRecorder.Options
    let onVideoArrival: @Sendable (MediaArrival) -> Void
    var parser = FLVTagParser()
    let demuxer = FLVDemuxer()
    var video: VideoConfiguration?
    var audio: AACConfiguration?
    var writer: MP4Writer?
    var baseTimestamp: Int64 = 0
    var lastDTS: [MediaPacket.Track: Int64] = [:]
    var lastPTSEnd: Int64 = 0
    var bytesReceived: Int64 = 0
    var videoFrames = 0
    var audioFrames = 0
    var endReason: RecordingSummary.EndReason = .sourceEnded

    init(options: LiveStreamRecorder.Options, onVideoArrival: @escaping @Sendable (MediaArrival) -> Void) {
        self.options = options
        self.onVideoArrival = onVideoArrival
    }

    func consume(_ bytes: UnsafeRawBufferPointer) throws {
        self.bytesReceived += Int64(bytes.count)
        for tag in try self.parser.push(bytes) {
            switch try self.demuxer.demux(tag) {
            case .videoConfiguration(let configuration)?:
                self.video = configuration
            case .audioConfiguration(let configuration)?:
                self.audio = configuration
            case .packet(let packet)?:
                try self.write(packet)
            case nil:
                break
            }
        }
    }

    private func write(_ source: MediaPacket) throws {
        if self.writer == nil {
            // A file starts at a video keyframe, once the video configuration is known.
            guard source.track == .video, source.isKeyframe, let video = self.video else { return }
            self.writer = try MP4Writer(
                path: self.options.outputPath, video: video, audio: self.audio, fragmented: self.options.fragmented
            )
            self.baseTimestamp = source.dts
        }
        guard let writer = self.writer, writer.hasTrack(source.track) else { return }
        var packet = source
        packet.dts -= self.baseTimestamp
        packet.pts -= self.baseTimestamp
        guard packet.dts >= 0 else { return }  // audio from before the first keyframe
        // The muxer refuses non-increasing timestamps; nudge equal or regressing ones forward.
        if let last = self.lastDTS[packet.track], packet.dts <= last {
            let shift = last + 1 - packet.dts
            packet.dts += shift
            packet.pts += shift
        }
        self.lastDTS[packet.track] = packet.dts
        let frameDuration: Int64 =
            packet.track == .audio ? Int64(1024 * 1000 / max(self.audio?.sampleRate ?? 44100, 1)) : 0
        try writer.write(packet, duration: frameDuration)
        self.lastPTSEnd = max(self.lastPTSEnd, packet.pts + frameDuration)
        if packet.track == .video {
            self.videoFrames += 1
            self.onVideoArrival(MediaArrival(mediaTime: Double(packet.pts) / 1000, wallClock: Date().timeIntervalSince1970))
        } else {
            self.audioFrames += 1
        }
    }

    func finish(failure: (any Error)?) throws -> RecordingSummary {
        guard let writer = self.writer else {
            if let failure { throw failure }
            throw LiveMediaError.noMedia(source: CurlError.redact(self.options.url))
        }
        if let failure { self.endReason = .failed("\(failure)") }
        try writer.finish()
        let size = (try? FileManager.default.attributesOfItem(atPath: writer.path)[.size] as? NSNumber)?.int64Value ?? 0
        return RecordingSummary(
            path: writer.path, endReason: self.endReason, duration: Double(self.lastPTSEnd) / 1000,
            bytesWritten: size, bytesReceived: self.bytesReceived, videoFrames: self.videoFrames,
            audioFrames: self.audioFrames, sourceStartTimestamp: self.baseTimestamp, video: self.video, audio: self.audio
        )
    }
}
