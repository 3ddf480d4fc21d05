/// When a video frame reached us, and where it sits on the recording's timeline.
///
/// The pairs let a caller map wall-clock times (chat messages) onto the video: a frame with media time `m`
/// that arrived at wall time `w` was on air no later than `w`.
public struct MediaArrival: Sendable, Equatable {
    /// Presentation time of the frame in the output file, seconds from the file's start.
    public var mediaTime: Double
    /// Unix time in seconds when its bytes arrived.
    public var wallClock: Double

    /// Creates an arrival record.
    public init(mediaTime: Double, wallClock: Double) {
        self.mediaTime = mediaTime
        self.wallClock = wallClock
    }
}
