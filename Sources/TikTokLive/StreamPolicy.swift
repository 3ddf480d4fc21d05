/// How to choose among a room's stream variants: which quality, which codec to prefer and which formats to accept.
///
/// The default takes the best quality in any codec over HTTP-FLV, falling back to HLS (protocol.md §2.3).
public struct StreamPolicy: Sendable, Equatable {
    /// Which quality to take.
    public enum Quality: Sendable, Equatable {
        /// The highest `level` offered.
        case best
        /// A quality by TikTok's key (`hd`, `origin`), its name (`720p`, `Original`) or its resolution (`1280x720`),
        /// compared without regard to case. When it is not offered, the nearest lower resolution is taken (or the
        /// best, when the name says no height), and the selection's reason says so.
        case named(String)
    }

    /// A transport for the video.
    public enum Format: String, Sendable, Equatable, CaseIterable {
        /// HTTP-FLV (`.flv`), which the recorder reads.
        case flv = "HTTP-FLV"
        /// HLS (`.m3u8`).
        case hls = "HLS"
    }

    /// Which quality to take.
    public var quality: Quality
    /// The codec to take when the chosen quality (or, for ``Quality/best``, any quality) is offered in it;
    /// `nil` for no preference.
    public var preferredCodec: StreamVariant.Codec?
    /// Accepted formats, in order of preference.
    public var formats: [Format]

    /// Creates a policy.
    public init(quality: Quality = .best, preferredCodec: StreamVariant.Codec? = nil, formats: [Format] = [.flv, .hls]) {
        self.quality = quality
        self.preferredCodec = preferredCodec
        self.formats = formats
    }

    /// The best quality in any codec, HTTP-FLV first, then HLS.
    public static let best = StreamPolicy()
}
