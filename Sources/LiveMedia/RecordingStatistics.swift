/// A snapshot of one recording's progress: what came in, what was written, and every repair made on the way.
///
/// Read it while recording through ``RecordingProgress/snapshot``; the final one is in ``RecordingSummary``.
/// Codable, so the recorder can write it next to the video (`.stats.json`).
public struct RecordingStatistics: Sendable, Codable, Equatable {
    /// Each repair the pipeline made, counted.
    public struct Repairs: Sendable, Codable, Equatable {
        /// Timestamp jumps (forward beyond ``SourceTimeline/maximumGap``) or resets (backwards) rebased so the
        /// file's timeline stays continuous.
        public var timestampRebases = 0
        /// Frames whose decode time did not increase (equal or slightly earlier), moved just after the previous one.
        public var timestampsSmoothed = 0
        /// Groups of pictures the source sent twice (a CDN edge replaying after a reconnect), dropped.
        public var duplicateGOPsDropped = 0
        /// Frames dropped as part of those duplicated GOPs.
        public var duplicateFramesDropped = 0
        /// Audio whose sequence header came after the first frames: the frames were held and written once it came,
        /// or (header later than the grace period) the audio started in a new segment.
        public var lateAudioHeaders = 0
        /// Codec parameter changes (new SPS/PPS/VPS or audio config) that started a new segment file.
        public var parameterChanges = 0
        /// Of those, changes seen only in-band in the frames, with no new sequence header.
        public var inBandParameterChanges = 0
        /// Frames that could not be written: audio with no header at all, frames before the first keyframe.
        public var framesDiscarded = 0

        /// Creates an empty count.
        public init() {}

        /// The sum of every repair (discarded frames excluded).
        public var total: Int {
            self.timestampRebases + self.timestampsSmoothed + self.duplicateGOPsDropped + self.lateAudioHeaders
                + self.parameterChanges
        }
    }

    /// One output file.
    public struct Segment: Sendable, Codable, Equatable {
        /// Why a new file was started.
        public enum Reason: String, Sendable, Codable, Equatable {
            /// The first file of the recording.
            case start
            /// The video or audio codec parameters changed.
            case parameterChange
            /// Audio appeared after the file had started without it.
            case audioAppeared
            /// The segment reached ``SegmentPolicy/maximumDuration``.
            case duration
            /// The segment reached ``SegmentPolicy/maximumBytes``.
            case size
        }

        /// The MP4 file.
        public var path: String
        /// Why it was started.
        public var reason: Reason
        /// Where it starts on the recording's timeline, seconds.
        public var startTime: Double
        /// Its media duration, seconds.
        public var duration: Double
        /// Its size in bytes (so far).
        public var bytes: Int64
        /// The video it holds (`"h264 1280x720"`), if any.
        public var video: String?
    }

    /// A short interruption of the source that was spliced into the same file.
    public struct Splice: Sendable, Codable, Equatable {
        /// Where on the recording's timeline, seconds.
        public var at: Double
        /// Media lost in the gap, seconds (estimated from the source's timestamps, else from the wall clock).
        public var lostSeconds: Double
        /// Why the source was interrupted.
        public var reason: String
    }

    /// Bytes read from the source.
    public var bytesIn: Int64 = 0
    /// Bytes written to every segment file.
    public var bytesOut: Int64 = 0
    /// Media recorded, seconds on the recording's timeline (end of the last frame).
    public var mediaDuration: Double = 0
    /// Video frames written.
    public var videoFrames = 0
    /// Audio frames written.
    public var audioFrames = 0
    /// Input bitrate in bits per second, over the media recorded.
    public var bitrate: Double = 0
    /// Video frames per second, over the media recorded.
    public var framesPerSecond: Double = 0
    /// Mean seconds between the last keyframes.
    public var keyframeInterval: Double = 0
    /// The repairs made.
    public var repairs = Repairs()
    /// Interruptions spliced into the same file.
    public var splices: [Splice] = []
    /// Seconds of media lost in splices.
    public var lostSeconds: Double = 0
    /// The current video parameters (`"hevc 720x1280, profile 1, level 93"`), if any.
    public var video: String?
    /// The current audio parameters (`"aac 44100 Hz, 2 ch"`), if any.
    public var audio: String?
    /// The files written so far, oldest first.
    public var segments: [Segment] = []

    /// An empty snapshot.
    public init() {}
}
