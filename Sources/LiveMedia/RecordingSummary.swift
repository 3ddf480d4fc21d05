/// What a finished recording holds and why it ended.
public struct RecordingSummary: Sendable {
    /// Why recording stopped.
    public enum EndReason: Sendable, Equatable {
        /// The server ended the stream.
        case sourceEnded
        /// The caller asked it to stop.
        case stopped
        /// The source failed (network, stall, bad data); the file holds everything received before.
        case failed(String)
    }

    /// The first MP4 file (later segments are listed in ``statistics``).
    public var path: String
    /// Why it ended.
    public var endReason: EndReason
    /// Media duration in seconds (last frame's end minus the first frame's start).
    public var duration: Double
    /// Size of the MP4 file in bytes.
    public var bytesWritten: Int64
    /// Bytes received from the source.
    public var bytesReceived: Int64
    /// Video frames written.
    public var videoFrames: Int
    /// Audio frames written.
    public var audioFrames: Int
    /// The source timestamp (ms) that became 0 in the file.
    public var sourceStartTimestamp: Int64
    /// The video configuration, if video was recorded.
    public var video: VideoConfiguration?
    /// The audio configuration, if audio was recorded.
    public var audio: AACConfiguration?
    /// Everything measured and repaired, and every segment file.
    public var statistics: RecordingStatistics
}
