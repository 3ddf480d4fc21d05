/// One output file of a recording, as the pipeline drives it: frames and cues in, a finished file out.
///
/// ``MP4SegmentWriter`` is the real one; tests of the repair logic use an in-memory one. Used from one thread.
protocol SegmentOutput: AnyObject {
    /// The file being written.
    var path: String { get }
    /// Bytes handed to the file so far.
    var bytesWritten: Int64 { get }
    /// Writes a frame; times in ms on this file's timeline, decode times strictly increasing per track.
    func write(_ packet: MediaPacket, duration: Int64) throws(LiveMediaError)
    /// Adds a timed-text cue, times in seconds on this file's timeline.
    func addCue(_ cue: TimedTextCue)
    /// Completes the file. Idempotent.
    func finish() throws(LiveMediaError)
}

/// Opens the output for one segment: its path, the configurations it carries, whether the video's parameter
/// sets may change in-band (HEVC `hev1` instead of `hvc1`), and where (ms) the video starts when audio leads it.
typealias SegmentOutputFactory =
    (
        _ path: String, _ video: VideoConfiguration?, _ audio: AACConfiguration?, _ inBandParameterSets: Bool,
        _ videoStart: Int64
    ) throws(LiveMediaError) -> any SegmentOutput

extension MP4SegmentWriter: SegmentOutput {}
