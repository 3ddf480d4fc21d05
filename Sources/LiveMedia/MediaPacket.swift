/// One compressed audio or video frame with its timestamps in milliseconds.
public struct MediaPacket: Sendable {
    /// Which elementary stream the packet belongs to.
    public enum Track: Sendable, Equatable {
        case video
        case audio
    }

    /// The elementary stream.
    public var track: Track
    /// Decode timestamp, ms.
    public var dts: Int64
    /// Presentation timestamp, ms (dts + composition offset).
    public var pts: Int64
    /// Whether a decoder can start here.
    public var isKeyframe: Bool
    /// Length-prefixed NAL units (video) or a raw AAC frame (audio).
    public var data: [UInt8]

    /// Creates a packet.
    public init(track: Track, dts: Int64, pts: Int64, isKeyframe: Bool, data: [UInt8]) {
        self.track = track
        self.dts = dts
        self.pts = pts
        self.isKeyframe = isKeyframe
        self.data = data
    }
}
