/// A video decoder configuration, H.264 or HEVC: the decoder configuration record (`avcC` / `hvcC`) exactly as
/// carried in FLV and MP4, the parameter sets inside it, and what the first SPS says about the picture.
///
/// Two configurations are equal when their records are byte-identical; ``sameParameters(as:)`` compares only the
/// parameter sets, which is what decides whether a file can go on (a changed SPS/PPS/VPS needs a new file).
public struct VideoConfiguration: Sendable, Equatable {
    /// The video codec.
    public enum Codec: String, Sendable, Equatable {
        case h264
        case hevc
    }

    /// The codec.
    public var codec: Codec
    /// The `avcC` (H.264) or `hvcC` (HEVC) record.
    public var decoderConfigurationRecord: [UInt8]
    /// Display width in pixels (after cropping).
    public var width: Int
    /// Display height in pixels (after cropping).
    public var height: Int
    /// Profile (`profile_idc` / `general_profile_idc`) of the first SPS.
    public var profile: Int
    /// Level (`level_idc` / `general_level_idc`) of the first SPS.
    public var level: Int
    /// The parameter-set NAL units (VPS, SPS, PPS in that order, without start codes or length prefixes).
    public var parameterSets: [[UInt8]]
    /// Bytes of the length prefix before each NAL unit in a frame (1, 2 or 4; 4 almost always).
    public var nalLengthSize: Int

    /// Whether `other` carries the same parameter sets (and codec), so frames of one decode with the other.
    public func sameParameters(as other: VideoConfiguration) -> Bool {
        self.codec == other.codec && self.parameterSets == other.parameterSets
    }

    /// `"h264 1280x720"`, for logs and stats.
    public var summary: String { "\(self.codec.rawValue) \(self.width)x\(self.height)" }

    /// Parses an H.264 `avcC` record and its first SPS.
    /// - Throws: ``LiveMediaError/malformedFLV(offset:reason:)`` when the record or SPS is invalid.
    public init(avcC: [UInt8]) throws(LiveMediaError) {
        let h264 = try H264Configuration(avcC: avcC)
        self.codec = .h264
        self.decoderConfigurationRecord = avcC
        self.width = h264.width
        self.height = h264.height
        self.profile = h264.profile
        self.level = h264.level
        self.parameterSets = h264.parameterSets
        self.nalLengthSize = Int(avcC[4] & 0x03) + 1
    }

    /// Creates a configuration from parts already validated by a codec-specific parser.
    init(
        codec: Codec, record: [UInt8], width: Int, height: Int, profile: Int, level: Int, parameterSets: [[UInt8]],
        nalLengthSize: Int = 4
    ) {
        self.codec = codec
        self.decoderConfigurationRecord = record
        self.width = width
        self.height = height
        self.profile = profile
        self.level = level
        self.parameterSets = parameterSets
        self.nalLengthSize = nalLengthSize
    }
}
