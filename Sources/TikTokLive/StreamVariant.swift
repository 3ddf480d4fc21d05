/// One quality of a live stream, as listed in the room's `stream_url` (protocol.md §2.1–2.2).
public struct StreamVariant: Sendable, Equatable {
    /// Which part of `stream_url` listed the variant. ``StreamSelection`` prefers them in this order.
    public enum Source: String, Sendable, Equatable {
        /// `live_core_sdk_data.pull_data.stream_data`: every quality, with codec, resolution and bitrate.
        case streamData = "stream_data"
        /// The older `flv_pull_url` map keyed by resolution codes (`FULL_HD1`, `HD1`, `SD2`, `SD1`).
        case flvPullURL = "flv_pull_url"
        /// The single `hls_pull_url` (often empty).
        case hlsPullURL = "hls_pull_url"
    }

    /// A video codec as TikTok names it in `sdk_params.VCodec`.
    public enum Codec: String, Sendable, Equatable {
        /// H.264 / AVC.
        case h264
        /// H.265 / HEVC (TikTok also writes `h265` and `bytevc1`).
        case hevc

        /// Reads TikTok's spelling (`h264`, `avc`, `h265`, `hevc`, `bytevc1`); `nil` for anything else.
        public init?(tiktokName: String) {
            switch tiktokName.lowercased() {
            case "h264", "avc", "avc1": self = .h264
            case "h265", "hevc", "bytevc1", "hvc1": self = .hevc
            default: return nil
            }
        }

        /// How people write it: `H.264` or `HEVC`.
        public var displayName: String { self == .h264 ? "H.264" : "HEVC" }
    }

    /// TikTok's quality key: `origin`, `uhd_60`, `hd`, `sd`, `ld`, `ao` (or a `flv_pull_url` key such as `HD1`).
    public var sdkKey: String
    /// Human name such as `720p`.
    public var name: String
    /// Rank from `options.qualities`: higher is better.
    public var level: Int
    /// The HTTP-FLV URL, if this quality has one.
    public var flvURL: String?
    /// The HLS playlist URL, if this quality has one.
    public var hlsURL: String?
    /// `h264` or `h265` as TikTok wrote it (`sdk_params.VCodec`), if given.
    public var videoCodec: String?
    /// `WIDTHxHEIGHT`, from `sdk_params.resolution`, if given.
    public var resolution: String?
    /// Video bitrate in bit/s, from `sdk_params.vbitrate`, if given.
    public var videoBitrate: Int?
    /// Which part of `stream_url` listed this variant.
    public var source: Source

    /// The codec, when TikTok named one this library knows.
    public var codec: Codec? { self.videoCodec.flatMap(Codec.init(tiktokName:)) }
    /// Whether this is the audio-only rendition (`ao`), which never wins over a video one.
    public var isAudioOnly: Bool { self.sdkKey == "ao" || (self.flvURL ?? "").contains("only_audio=1") }
    /// The picture height from ``resolution`` (720 for `1280x720`), if known.
    public var height: Int? {
        guard let text = self.resolution, let separator = text.firstIndex(where: { $0 == "x" || $0 == "X" }) else { return nil }
        return Int(text[text.index(after: separator)...])
    }

    /// Creates a variant value.
    public init(
        sdkKey: String, name: String, level: Int, flvURL: String?, hlsURL: String?, videoCodec: String?,
        resolution: String?, videoBitrate: Int?, source: Source = .streamData
    ) {
        self.sdkKey = sdkKey
        self.name = name
        self.level = level
        self.flvURL = flvURL
        self.hlsURL = hlsURL
        self.videoCodec = videoCodec
        self.resolution = resolution
        self.videoBitrate = videoBitrate
        self.source = source
    }

    /// `720p (hd, h264 1280x720, 3.0 Mbit/s)`: the name and what is known about the variant, for reasons and logs.
    public var summary: String {
        var details = [self.sdkKey]
        let picture = [self.videoCodec, self.resolution].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ")
        if !picture.isEmpty { details.append(picture) }
        if let bitrate = self.videoBitrate, bitrate > 0 {
            let tenths = (bitrate + 50_000) / 100_000
            details.append("\(tenths / 10).\(tenths % 10) Mbit/s")
        }
        if self.source != .streamData { details.append("from \(self.source.rawValue)") }
        return "\(self.name) (\(details.joined(separator: ", ")))"
    }
}
