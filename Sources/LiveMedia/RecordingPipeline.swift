import Foundation

/// Turns what a ``MediaInput`` delivers into segment files: starts at the first video keyframe, repairs timestamps
/// and duplicates (``SourceTimeline``), waits briefly for a late audio header, starts a new file when codec
/// parameters change (sequence header or in-band) or the ``SegmentPolicy`` says so, splices short interruptions
/// into the same file, muxes timed-text cues, and keeps ``RecordingStatistics``.
///
/// Runs on the input's thread (it is the input's sink); not thread-safe. Call ``finish()`` once at the end: it
/// completes the current file whatever happened before.
final class RecordingPipeline: MediaInputSink {
    /// What the pipeline needs besides its input.
    struct Settings {
        /// The first file's path; later segments insert `-partN` before the extension.
        var outputPath: String
        /// When to split besides parameter changes.
        var segmenting = SegmentPolicy()
        /// How long (ms of video) frames are held waiting for a missing audio header before the file starts without
        /// audio.
        var audioHeaderGrace: Int64 = 2_000
    }

    private let settings: Settings
    private let openOutput: SegmentOutputFactory
    private let cueQueue: TimedTextCueQueue?
    private let progress: RecordingProgress?
    private let onVideoArrival: @Sendable (MediaArrival) -> Void

    private var video: VideoConfiguration?
    private var audio: AACConfiguration?
    /// A parameter change waiting for the next keyframe, and whether it was seen only in-band.
    private var pendingVideo: (configuration: VideoConfiguration, inBand: Bool)?
    private var pendingAudio: AACConfiguration?
    /// A track that appeared after the file started without it.
    private var trackAppeared = false
    /// The source repeats parameter sets in its keyframes (HEVC files then get `hev1`).
    private var sourceSendsInBandParameterSets = false

    private var timeline: SourceTimeline?
    private var output: (any SegmentOutput)?
    private var outputHas: (video: Bool, audio: Bool) = (false, false)
    private var segmentStart: Int64 = 0
    private var segmentReason = RecordingStatistics.Segment.Reason.start
    /// Frames held before the first file starts, with their arrival times.
    private var held: [(packet: MediaPacket, arrival: Double)] = []
    private var heldAudioBeforeHeader = false
    private var activeCues: [TimedTextCue] = []
    private var statistics = RecordingStatistics()
    private var finishedSegmentBytes: Int64 = 0
    private var mediaEnd: Int64 = 0
    private var lastVideoDTS: Int64?
    private var keyframeTimes: [Int64] = []
    private var framesSincePublish = 0
    private var pendingSplice: (reason: String, wallClock: Double, lastVideoDTS: Int64?, rebases: Int)?
    private var finished = false

    /// The source timestamp (ms) that became 0, once the first file started.
    private(set) var sourceStartTimestamp: Int64 = 0

    /// How far (ms) audio may start before the first keyframe and still be kept.
    static let leadingAudioLimit: Int64 = 200

    /// The most frames held before the first keyframe or a late header (about 30 s of a 30 fps live plus audio).
    static let heldLimit = 2_500

    init(
        settings: Settings, openOutput: @escaping SegmentOutputFactory, cues: TimedTextCueQueue? = nil,
        progress: RecordingProgress? = nil, onVideoArrival: @escaping @Sendable (MediaArrival) -> Void = { _ in }
    ) {
        self.settings = settings
        self.openOutput = openOutput
        self.cueQueue = cues
        self.progress = progress
        self.onVideoArrival = onVideoArrival
    }

    /// The statistics so far (final after ``finish()``).
    var currentStatistics: RecordingStatistics { self.statistics }

    /// The video parameters in force (the last file's).
    var currentVideo: VideoConfiguration? { self.video }
    /// The audio parameters in force (the last file's).
    var currentAudio: AACConfiguration? { self.audio }

    /// Whether any file was started.
    var hasOutput: Bool { !self.statistics.segments.isEmpty }

    // MARK: - MediaInputSink

    func received(bytes: Int) {
        self.statistics.bytesIn += Int64(bytes)
    }

    func receive(_ event: MediaInputEvent) throws {
        switch event {
        case .videoConfiguration(let configuration):
            self.videoConfigurationArrived(configuration, inBand: false)
        case .audioConfiguration(let configuration):
            self.audioConfigurationArrived(configuration)
        case .discontinuity(let reason):
            self.pendingSplice = (reason, Date().timeIntervalSince1970, self.lastVideoDTS, self.timeline?.rebases.count ?? 0)
            self.timeline?.expectDiscontinuity()
        case .packet(let packet):
            try self.packetArrived(packet, arrival: Date().timeIntervalSince1970)
        }
        if self.output == nil, !self.held.isEmpty { try self.startIfReady(force: false) }
    }

    // MARK: - Configurations

    private func videoConfigurationArrived(_ configuration: VideoConfiguration, inBand: Bool) {
        guard let current = self.pendingVideo?.configuration ?? self.video else {
            self.video = configuration
            if self.output != nil, !self.outputHas.video { self.trackAppeared = true }
            return
        }
        guard !configuration.sameParameters(as: current) else { return }
        if self.output == nil {
            self.video = configuration  // nothing written yet: the new parameters simply apply
        } else {
            self.pendingVideo = (configuration, inBand)
        }
    }

    private func audioConfigurationArrived(_ configuration: AACConfiguration) {
        guard let current = self.pendingAudio ?? self.audio else {
            self.audio = configuration
            self.timeline?.setAudioFrameDuration(Self.audioFrameDuration(configuration))
            if self.output != nil, !self.outputHas.audio {
                self.trackAppeared = true
                self.statistics.repairs.lateAudioHeaders += 1
            } else if self.heldAudioBeforeHeader {
                self.statistics.repairs.lateAudioHeaders += 1
            }
            return
        }
        guard configuration != current else { return }
        if self.output == nil {
            self.audio = configuration
        } else {
            self.pendingAudio = configuration
        }
    }

    private static func audioFrameDuration(_ audio: AACConfiguration) -> Int64 {
        Int64(1024 * 1000 / max(audio.sampleRate, 1))
    }

    // MARK: - Frames

    private func packetArrived(_ packet: MediaPacket, arrival: Double) throws {
        if packet.track == .video, packet.isKeyframe, let current = self.pendingVideo?.configuration ?? self.video {
            if ParameterSetScanner.parameterSets(in: packet.data, codec: current.codec, nalLengthSize: current.nalLengthSize) != nil {
                self.sourceSendsInBandParameterSets = true
            }
            // An unparsable in-band SPS is damage, not a parameter change: the frame is written as it is.
            if let changed = try? current.changedByInBandParameterSets(in: packet) {
                self.videoConfigurationArrived(changed, inBand: true)
            }
        }
        guard self.output != nil else {
            self.hold(packet, arrival: arrival)
            return
        }
        try self.write(packet, arrival: arrival)
    }

    private func hold(_ packet: MediaPacket, arrival: Double) {
        if packet.track == .video {
            // A file starts at a keyframe: earlier video can never be used.
            guard packet.isKeyframe || self.held.contains(where: { $0.packet.track == .video }) else {
                self.statistics.repairs.framesDiscarded += 1
                return
            }
        } else if self.audio == nil {
            self.heldAudioBeforeHeader = true
        }
        self.held.append((packet, arrival))
        if self.held.count > Self.heldLimit {
            self.held.removeFirst()
            self.statistics.repairs.framesDiscarded += 1
        }
    }

    /// Starts the first file once there is a keyframe with its configuration and either an audio header or the
    /// grace period is over (or, with no video at all, once audio has waited that long). `force` starts with what
    /// there is (the source ended).
    private func startIfReady(force: Bool) throws {
        let firstKeyframe = self.held.firstIndex { $0.packet.track == .video && $0.packet.isKeyframe }
        let start: Int64
        if self.video != nil, let firstKeyframe {
            let keyframe = self.held[firstKeyframe].packet.dts
            // Audio that starts just before the picture (an encoder's first AAC frame, a few ms early) is kept: the
            // file then starts with it instead of dropping it.
            let leadingAudio = self.held.lazy.filter {
                $0.packet.track == .audio && $0.packet.dts < keyframe && $0.packet.dts >= keyframe - Self.leadingAudioLimit
            }.map(\.packet.dts).min()
            start = min(keyframe, leadingAudio ?? keyframe)
            let lastVideo = self.held.last { $0.packet.track == .video }?.packet.dts ?? start
            // With audio, wait for its first frame at or after the keyframe: a demuxer may deliver audio that starts
            // a few ms before the picture after the keyframe (MPEG-TS interleaving), and it belongs in the file.
            let audioReached = self.held.contains { $0.packet.track == .audio && $0.packet.dts >= keyframe }
            guard (self.audio != nil && audioReached) || lastVideo - start >= self.settings.audioHeaderGrace || force else {
                return
            }
        } else if self.audio != nil, self.video == nil, let first = self.held.first(where: { $0.packet.track == .audio }) {
            start = first.packet.dts
            let last = self.held.last { $0.packet.track == .audio }?.packet.dts ?? start
            guard last - start >= self.settings.audioHeaderGrace || force else { return }
        } else {
            if force { self.statistics.repairs.framesDiscarded += self.held.count }
            return
        }
        self.sourceStartTimestamp = start
        var timeline = SourceTimeline(sourceZero: start)
        if let audio = self.audio { timeline.setAudioFrameDuration(Self.audioFrameDuration(audio)) }
        self.timeline = timeline
        // Audio kept from before the keyframe starts the file; the video starts that much later in it.
        let videoStart = firstKeyframe.map { max(0, self.held[$0].packet.dts - start) } ?? 0
        try self.openSegment(reason: .start, at: 0, videoStart: videoStart)
        let held = self.held
        self.held = []
        for (packet, arrival) in held {
            if packet.dts < start || (packet.track == .video && firstKeyframe == nil) {
                self.statistics.repairs.framesDiscarded += 1
                continue
            }
            try self.write(packet, arrival: arrival)
        }
    }

    private func write(_ packet: MediaPacket, arrival: Double) throws {
        guard var timeline = self.timeline else { return }
        let hasTrack = packet.track == .video ? self.outputHas.video : self.outputHas.audio
        guard hasTrack || self.trackAppeared else {
            self.statistics.repairs.framesDiscarded += 1
            return
        }
        let decision = timeline.place(packet)
        self.timeline = timeline
        guard case .write(let dts, let pts) = decision else {
            self.statistics.repairs.duplicateGOPsDropped = timeline.duplicateRuns
            self.statistics.repairs.duplicateFramesDropped = timeline.duplicateFrames
            return
        }
        let isCutPoint = packet.track == .video ? packet.isKeyframe : !self.outputHas.video && self.video == nil
        if isCutPoint, let reason = self.rotationReason(at: dts) {
            try self.rotate(reason: reason, at: dts)
        }
        let stillHasTrack = packet.track == .video ? self.outputHas.video : self.outputHas.audio
        guard stillHasTrack, dts >= self.segmentStart, let output = self.output else {
            self.statistics.repairs.framesDiscarded += 1
            return
        }
        let duration = timeline.nominalDuration(of: packet.track)
        var placed = packet
        placed.dts = dts - self.segmentStart
        placed.pts = pts - self.segmentStart
        try output.write(placed, duration: duration)
        self.mediaEnd = max(self.mediaEnd, pts + duration)
        if packet.track == .video {
            self.statistics.videoFrames += 1
            self.noteSplice(at: dts, timeline: timeline)
            self.lastVideoDTS = dts
            if packet.isKeyframe { self.noteKeyframe(at: dts) }
            self.onVideoArrival(MediaArrival(mediaTime: Double(pts) / 1000, wallClock: arrival))
        } else {
            self.statistics.audioFrames += 1
        }
        self.takeCues(upTo: dts)
        self.framesSincePublish += 1
        if self.framesSincePublish >= 100 || packet.isKeyframe && packet.track == .video { self.publish() }
    }

    // MARK: - Segments

    private func rotationReason(at dts: Int64) -> RecordingStatistics.Segment.Reason? {
        if self.pendingVideo != nil || self.pendingAudio != nil { return .parameterChange }
        if self.trackAppeared { return .audioAppeared }
        if let limit = self.settings.segmenting.maximumDuration, Double(dts - self.segmentStart) / 1000 >= limit.seconds {
            return .duration
        }
        if let limit = self.settings.segmenting.maximumBytes, let output = self.output, output.bytesWritten >= limit {
            return .size
        }
        return nil
    }

    private func rotate(reason: RecordingStatistics.Segment.Reason, at dts: Int64) throws {
        if reason == .parameterChange {
            self.statistics.repairs.parameterChanges += 1
            if self.pendingVideo?.inBand == true { self.statistics.repairs.inBandParameterChanges += 1 }
        }
        if let pending = self.pendingVideo {
            self.video = pending.configuration
            self.pendingVideo = nil
        }
        if let pending = self.pendingAudio {
            self.audio = pending
            self.timeline?.setAudioFrameDuration(Self.audioFrameDuration(pending))
            self.pendingAudio = nil
        }
        self.trackAppeared = false
        try self.closeSegment(endingAt: dts)
        try self.openSegment(reason: reason, at: dts)
    }

    /// Opens the next file, starting at `start` on the recording's timeline; `videoStart` ms later in it comes the
    /// first video frame (audio leading the first keyframe of a recording; later files start at a keyframe).
    private func openSegment(reason: RecordingStatistics.Segment.Reason, at start: Int64, videoStart: Int64 = 0) throws {
        let index = self.statistics.segments.count + 1
        let path = SegmentPolicy.segmentPath(self.settings.outputPath, index: index)
        let output = try self.openOutput(path, self.video, self.audio, self.sourceSendsInBandParameterSets, videoStart)
        self.output = output
        self.outputHas = (self.video != nil, self.audio != nil)
        self.segmentStart = start
        self.segmentReason = reason
        self.statistics.segments.append(
            .init(path: path, reason: reason, startTime: Double(start) / 1000, duration: 0, bytes: 0, video: self.video?.summary)
        )
        // Cues still on screen carry over into the new file.
        for cue in self.activeCues where cue.end * 1000 > Double(start) {
            output.addCue(self.local(cue))
        }
        self.describeConfigurations()
        self.publish()
    }

    private func closeSegment(endingAt end: Int64) throws {
        guard let output = self.output else { return }
        self.output = nil
        defer {
            self.finishedSegmentBytes += output.bytesWritten
            if var last = self.statistics.segments.popLast() {
                last.duration = Double(max(0, end - self.segmentStart)) / 1000
                last.bytes = output.bytesWritten
                self.statistics.segments.append(last)
            }
        }
        try output.finish()
    }

    // MARK: - Cues, splices, statistics

    private func local(_ cue: TimedTextCue) -> TimedTextCue {
        let offset = Double(self.segmentStart) / 1000
        return TimedTextCue(start: max(0, cue.start - offset), end: cue.end - offset, text: cue.text)
    }

    private func takeCues(upTo dts: Int64) {
        guard let queue = self.cueQueue else { return }
        let now = Double(dts) / 1000
        let new = queue.takeAll()
        if !new.isEmpty, let output = self.output {
            for cue in new where cue.end > cue.start {
                output.addCue(self.local(cue))
                self.activeCues.append(cue)
            }
        }
        if self.activeCues.count > 64 { self.activeCues.removeAll { $0.end < now } }
    }

    private func noteSplice(at dts: Int64, timeline: SourceTimeline) {
        guard let splice = self.pendingSplice else { return }
        self.pendingSplice = nil
        let lost: Double
        if timeline.rebases.count > splice.rebases, let jump = timeline.rebases.last?.sourceJump, jump > 0 {
            lost = Double(jump) / 1000  // the source's clock ran on while we were away
        } else if timeline.rebases.count > splice.rebases {
            lost = max(0, Date().timeIntervalSince1970 - splice.wallClock)  // the source restarted its clock
        } else if let before = splice.lastVideoDTS {
            lost = max(0, Double(dts - before - timeline.nominalDuration(of: .video)) / 1000)
        } else {
            lost = 0
        }
        self.statistics.splices.append(.init(at: Double(dts) / 1000, lostSeconds: lost, reason: splice.reason))
        self.statistics.lostSeconds += lost
    }

    private func noteKeyframe(at dts: Int64) {
        self.keyframeTimes.append(dts)
        if self.keyframeTimes.count > 11 { self.keyframeTimes.removeFirst() }
        if let first = self.keyframeTimes.first, let last = self.keyframeTimes.last, self.keyframeTimes.count > 1 {
            self.statistics.keyframeInterval = Double(last - first) / 1000 / Double(self.keyframeTimes.count - 1)
        }
    }

    private func describeConfigurations() {
        if let video = self.video {
            self.statistics.video = "\(video.summary), profile \(video.profile), level \(video.level)"
        }
        if let audio = self.audio {
            self.statistics.audio = "aac \(audio.sampleRate) Hz, \(audio.channels) ch"
        }
    }

    private func publish() {
        self.framesSincePublish = 0
        let duration = Double(self.mediaEnd) / 1000
        self.statistics.mediaDuration = duration
        self.statistics.bytesOut = self.finishedSegmentBytes + (self.output?.bytesWritten ?? 0)
        if duration > 0 {
            self.statistics.bitrate = Double(self.statistics.bytesIn) * 8 / duration
            self.statistics.framesPerSecond = Double(self.statistics.videoFrames) / duration
        }
        if self.output != nil, var last = self.statistics.segments.popLast() {
            last.duration = Double(max(0, self.mediaEnd - self.segmentStart)) / 1000
            last.bytes = self.output?.bytesWritten ?? 0
            self.statistics.segments.append(last)
        }
        if let timeline = self.timeline {
            self.statistics.repairs.timestampRebases = timeline.rebases.count
            self.statistics.repairs.timestampsSmoothed = timeline.smoothed
            self.statistics.repairs.duplicateGOPsDropped = timeline.duplicateRuns
            self.statistics.repairs.duplicateFramesDropped = timeline.duplicateFrames
        }
        self.progress?.publish(self.statistics)
    }

    /// Starts a file from held frames if none was started yet, then completes the current file.
    /// - Returns: the final statistics.
    /// - Throws: what completing the file throws (a full disk); the frames already written stay playable.
    @discardableResult
    func finish() throws -> RecordingStatistics {
        guard !self.finished else { return self.statistics }
        self.finished = true
        if self.output == nil, !self.held.isEmpty { try self.startIfReady(force: true) }
        if self.output != nil {
            self.takeCues(upTo: self.mediaEnd)
            do {
                try self.closeSegment(endingAt: self.mediaEnd)
            } catch {
                self.publish()
                throw error
            }
        }
        self.publish()
        return self.statistics
    }
}
