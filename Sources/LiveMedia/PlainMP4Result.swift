/// What ``PlainMP4Writer`` wrote: the finished file and how many samples of each kind it holds.
public struct PlainMP4Result: Sendable, Equatable {
    /// The plain MP4, under its final name.
    public var path: String
    /// Its size in bytes.
    public var bytes: Int64
    /// Video samples copied.
    public var videoPackets: Int
    /// Audio samples copied.
    public var audioPackets: Int
    /// Timed-text samples copied (the empty ones between cues included).
    public var subtitlePackets: Int

    /// Creates a result.
    public init(path: String, bytes: Int64, videoPackets: Int, audioPackets: Int, subtitlePackets: Int) {
        self.path = path
        self.bytes = bytes
        self.videoPackets = videoPackets
        self.audioPackets = audioPackets
        self.subtitlePackets = subtitlePackets
    }
}
