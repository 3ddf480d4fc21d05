import Foundation
import LiveMedia
import Logging
import Synchronization

/// Live HLS for one ``LiveBroadcast``, as a CDN edge packages it: a sliding playlist of ~2 s MPEG-TS segments.
///
/// Subscribes to the broadcast like an FLV viewer, demuxes the FLV (``FLVTagParser``, ``FLVDemuxer``) and muxes it
/// with ``MPEGTSSegmenter`` on a dedicated thread, cutting a segment at the first keyframe at least
/// ``segmentSeconds`` (minus a tenth, for jitter) into the current one. The newest ``windowSize`` segments are kept;
/// the playlist slides (`EXT-X-MEDIA-SEQUENCE` grows), marks `EXT-X-DISCONTINUITY` where timestamps jumped or the
/// codec configuration changed, and ends with `EXT-X-ENDLIST` when the live ends. ``stop()`` unsubscribes.
final class HLSPackager: Sendable {
    /// One finished segment.
    struct Segment: Sendable {
        var sequence: Int
        /// Media seconds it covers.
        var duration: Double
        /// Whether timestamps or the codec configuration do not carry on from the segment before.
        var discontinuity: Bool
        var bytes: [UInt8]
    }

    /// Segments kept in the playlist.
    static let windowSize = 6
    /// The segment length aimed at, in seconds (cuts happen at keyframes, so a segment is a whole number of GOPs).
    static let segmentSeconds = 2.0

    private struct State {
        var segments: [Segment] = []
        var nextSequence: Int
        /// Discontinuity tags that have slid out of the window (`EXT-X-DISCONTINUITY-SEQUENCE`).
        var discontinuitySequence = 0
        var longestDuration = 0.0
        var finished = false
        var stoppedWhileLive = false
        var lastRequest: Double
        var pump: Task<Void, Never>?
    }

    /// The broadcast being packaged.
    let broadcast: LiveBroadcast
    private let state: Mutex<State>
    private let queue = ChunkQueue()

    /// Starts packaging `broadcast` at once; the first segment is numbered `firstSequence` and, when that is not 0,
    /// marked as a discontinuity (it follows an earlier packager of the same stream).
    init(broadcast: LiveBroadcast, firstSequence: Int = 0, logger: Logger) {
        self.broadcast = broadcast
        self.state = Mutex(State(nextSequence: firstSequence, lastRequest: Date().timeIntervalSince1970))
        let chunks = broadcast.subscribe()
        let queue = self.queue
        // Owned by this packager (cancelled by stop()); ends by itself when the live ends.
        let pump = Task {
            for await chunk in chunks { queue.push(chunk) }
            queue.close()
        }
        self.state.withLock { $0.pump = pump }
        let thread = Thread { [self] in
            self.packageLoop(startsDiscontinuous: firstSequence != 0, logger: logger)
        }
        thread.name = "sim-hls"
        thread.stackSize = 1 << 20
        thread.start()
    }

    /// Stops packaging while the live may still run (nobody is asking for it): the playlist ends where it is.
    func stop() {
        let pump = self.state.withLock { state in
            state.stoppedWhileLive = !state.finished
            return state.pump
        }
        pump?.cancel()
        self.queue.close()
    }

    /// Whether ``stop()`` ended it before the live did.
    var wasStoppedWhileLive: Bool { self.state.withLock { $0.stoppedWhileLive } }
    /// The number the next segment gets.
    var nextSequence: Int { self.state.withLock { $0.nextSequence } }
    /// Seconds since a client last asked for the playlist or a segment.
    var idleSeconds: Double { Date().timeIntervalSince1970 - self.state.withLock { $0.lastRequest } }

    /// Waits until at least one segment is ready or packaging is over, up to `timeout`.
    /// - Throws: `CancellationError`.
    func waitForFirstSegment(timeout: Duration) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline, self.state.withLock({ $0.segments.isEmpty && !$0.finished }) {
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// The playlist now, with segment URIs relative to the playlist's, each carrying `query` (the signed URL's own
    /// `expire`/`sign`); `nil` while no segment exists.
    func playlist(query: String?) -> String? {
        self.state.withLock { state -> String? in
            state.lastRequest = Date().timeIntervalSince1970
            guard let first = state.segments.first else { return nil }
            let suffix = query.map { "?\($0)" } ?? ""
            let target = max(Int(Self.segmentSeconds.rounded(.up)), Int(state.longestDuration.rounded()))
            var lines = [
                "#EXTM3U", "#EXT-X-VERSION:3", "#EXT-X-TARGETDURATION:\(target)", "#EXT-X-MEDIA-SEQUENCE:\(first.sequence)",
            ]
            if state.discontinuitySequence > 0 { lines.append("#EXT-X-DISCONTINUITY-SEQUENCE:\(state.discontinuitySequence)") }
            for segment in state.segments {
                if segment.discontinuity { lines.append("#EXT-X-DISCONTINUITY") }
                lines.append(String(format: "#EXTINF:%.3f,", segment.duration))
                lines.append("\(Self.segmentName(segment.sequence))\(suffix)")
            }
            if state.finished { lines.append("#EXT-X-ENDLIST") }
            return lines.joined(separator: "\n") + "\n"
        }
    }

    /// The bytes of segment `sequence`, or `nil` when it is not in the window.
    func segment(_ sequence: Int) -> [UInt8]? {
        self.state.withLock { state in
            state.lastRequest = Date().timeIntervalSince1970
            return state.segments.first { $0.sequence == sequence }?.bytes
        }
    }

    /// `segment-42.ts`.
    static func segmentName(_ sequence: Int) -> String { "segment-\(sequence).ts" }

    /// The sequence number in a segment file name, or `nil` when `name` is not one.
    static func sequence(inSegmentName name: String) -> Int? {
        guard name.hasPrefix("segment-"), name.hasSuffix(".ts") else { return nil }
        return Int(name.dropFirst("segment-".count).dropLast(".ts".count))
    }

    // MARK: - Packaging (on the dedicated thread)

    private func packageLoop(startsDiscontinuous: Bool, logger: Logger) {
        var cutter = SegmentCutter(startsDiscontinuous: startsDiscontinuous) { [self] segment in self.publish(segment) }
        var parser = FLVTagParser()
        let demuxer = FLVDemuxer()
        do {
            while let chunk = self.queue.pop() {
                let tags = try chunk.bytes.withUnsafeBytes { try parser.push($0) }
                for tag in tags {
                    guard let output = try demuxer.demux(tag) else { continue }
                    try cutter.take(output)
                }
            }
            try cutter.finish()
        } catch {
            logger.error("simulator HLS packaging failed", metadata: ["error": "\(error)"])
        }
        let pump = self.state.withLock { state in
            state.finished = true
            return state.pump
        }
        pump?.cancel()
    }

    private func publish(_ cut: SegmentCutter.Cut) {
        self.state.withLock { state in
            state.segments.append(
                Segment(sequence: state.nextSequence, duration: cut.duration, discontinuity: cut.discontinuity, bytes: cut.bytes)
            )
            state.nextSequence += 1
            state.longestDuration = max(state.longestDuration, cut.duration)
            while state.segments.count > Self.windowSize {
                if state.segments.removeFirst().discontinuity { state.discontinuitySequence += 1 }
            }
        }
    }
}

/// Decides where segments start and end, and owns the ``MPEGTSSegmenter`` of the current continuous run.
private struct SegmentCutter {
    /// A finished segment before it gets a sequence number.
    struct Cut {
        var bytes: [UInt8]
        var duration: Double
        var discontinuity: Bool
    }

    /// A forward step in one track's timestamps larger than this (ms) is a jump, not a gap.
    static let jumpThreshold: Int64 = 1000

    private let publish: (Cut) -> Void
    private var video: VideoConfiguration?
    private var audio: AACConfiguration?
    private var segmenter: MPEGTSSegmenter?
    /// The first DTS of the segment being written, ms; `nil` before its first frame.
    private var segmentStart: Int64?
    private var lastVideoDTS: Int64?
    private var lastAudioDTS: Int64?
    private var frameDuration: Int64 = 33
    private var discontinuity: Bool

    init(startsDiscontinuous: Bool, publish: @escaping (Cut) -> Void) {
        self.discontinuity = startsDiscontinuous
        self.publish = publish
    }

    mutating func take(_ output: FLVDemuxer.Output) throws(LiveMediaError) {
        switch output {
        case .videoConfiguration(let configuration):
            if let video = self.video, video.sameParameters(as: configuration) { return }
            try self.endRun()
            self.video = configuration
        case .audioConfiguration(let configuration):
            if self.audio == configuration { return }
            try self.endRun()
            self.audio = configuration
        case .packet(let packet):
            try self.take(packet)
        }
    }

    private mutating func take(_ packet: MediaPacket) throws(LiveMediaError) {
        let last = packet.track == .video ? self.lastVideoDTS : self.lastAudioDTS
        if let last, packet.dts < last - 100 || packet.dts > last + Self.jumpThreshold {
            try self.endRun()
        }
        // New parameter sets in-band only (a resolution change without a sequence header) start a new run too.
        if packet.track == .video, packet.isKeyframe, let video = self.video {
            let inBand = MPEGTSSegmenter.inBandParameterSets(in: packet.data, of: video)
            if !inBand.isEmpty, inBand != video.parameterSets {
                var changed =
                    try video.codec == .hevc ? VideoConfiguration.hevc(parameterSets: inBand) : .h264(parameterSets: inBand)
                changed.nalLengthSize = video.nalLengthSize
                if !changed.sameParameters(as: video) {
                    try self.endRun()
                    self.video = changed
                }
            }
        }
        if self.segmenter == nil {
            // A run starts at a keyframe when there is video (a frame before it could not be decoded).
            if self.video != nil, !(packet.track == .video && packet.isKeyframe), self.lastVideoDTS == nil { return }
            self.segmenter = try MPEGTSSegmenter(video: self.video, audio: self.audio)
        }
        let cutsHere = packet.track == .video ? packet.isKeyframe : self.video == nil
        if cutsHere, let start = self.segmentStart,
            Double(packet.dts - start) >= HLSPackager.segmentSeconds * 900
        {
            try self.endSegment(at: packet.dts)
        }
        try self.segmenter?.write(packet)
        if self.segmentStart == nil { self.segmentStart = packet.dts }
        if packet.track == .video {
            if let last = self.lastVideoDTS, packet.dts > last { self.frameDuration = packet.dts - last }
            self.lastVideoDTS = packet.dts
        } else {
            self.lastAudioDTS = packet.dts
        }
    }

    /// Publishes the current segment, which ends where the frame at `end` (ms) begins.
    private mutating func endSegment(at end: Int64) throws(LiveMediaError) {
        guard let segmenter = self.segmenter, let start = self.segmentStart else { return }
        let bytes = try segmenter.cut()
        self.emit(bytes, duration: end - start)
    }

    /// Ends the continuous run: its last segment is published and the next frame starts a new muxer, flagged as a
    /// discontinuity.
    private mutating func endRun() throws(LiveMediaError) {
        guard let segmenter = self.segmenter else { return }
        let bytes = try segmenter.finish()
        if let start = self.segmentStart {
            let end = (self.lastVideoDTS ?? self.lastAudioDTS ?? start) + (self.video != nil ? self.frameDuration : 23)
            self.emit(bytes, duration: end - start)
        }
        self.segmenter = nil
        self.lastVideoDTS = nil
        self.lastAudioDTS = nil
        self.discontinuity = true
    }

    /// Publishes the run's last segment at the end of the live.
    mutating func finish() throws(LiveMediaError) {
        try self.endRun()
    }

    private mutating func emit(_ bytes: [UInt8], duration milliseconds: Int64) {
        self.segmentStart = nil
        guard !bytes.isEmpty else { return }
        self.publish(Cut(bytes: bytes, duration: Double(max(milliseconds, 1)) / 1000, discontinuity: self.discontinuity))
        self.discontinuity = false
    }
}

/// Hands FLV chunks from the async subscription to the packaging thread; `pop()` blocks until one arrives or
/// ``close()`` is called.
private final class ChunkQueue: @unchecked Sendable {
    /// Chunks (frames) held for a thread that fell behind before the newest are dropped: about 20 s of video.
    private static let limit = 600
    private let condition = NSCondition()
    private var chunks: [LiveBroadcast.Chunk] = []
    private var head = 0
    private var closed = false

    func push(_ chunk: LiveBroadcast.Chunk) {
        self.condition.lock()
        defer { self.condition.unlock() }
        guard !self.closed, self.chunks.count - self.head < Self.limit else { return }
        self.chunks.append(chunk)
        self.condition.signal()
    }

    func close() {
        self.condition.lock()
        self.closed = true
        self.condition.broadcast()
        self.condition.unlock()
    }

    /// The next chunk, or `nil` once closed and drained.
    func pop() -> LiveBroadcast.Chunk? {
        self.condition.lock()
        defer { self.condition.unlock() }
        while self.head == self.chunks.count, !self.closed { self.condition.wait() }
        guard self.head < self.chunks.count else { return nil }
        let chunk = self.chunks[self.head]
        self.head += 1
        if self.head == self.chunks.count {
            self.chunks.removeAll(keepingCapacity: true)
            self.head = 0
        }
        return chunk
    }
}
