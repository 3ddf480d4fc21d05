/// One quality of a live stream, as listed in the room's `stream_data` (protocol.md §2.2).
public struct StreamVariant: Sendable, Equatable {
    /// TikTok's quality key: `origin`, `uhd_60`, `hd`, `sd`, `ld`, … (or a `flv_pull_url` key such as `HD1`).
    public var sdkKey: String
    /// Human name such as `720p`.
    public var name: String
    /// Rank from `options.qualities`: higher is better.
    public var level: Int
    /// The HTTP-FLV URL, if this quality has one.
    public var flvURL: String?
    /// The HLS playlist URL, if this quality has one.
    public var hlsURL: String?
    /// `h264` or `h265`, from `sdk_params.VCodec`, if given.
    public var videoCodec: String?
    /// `WIDTHxHEIGHT`, from `sdk_params.resolution`, if given.
    public var resolution: String?
    /// Video bitrate in bit/s, from `sdk_params.vbitrate`, if given.
    public var videoBitrate: Int?

    /// Creates a variant value.
    public init(
        sdkKey: String, name: String, level: Int, flvURL: String?, hlsURL: String?, videoCodec: String?,
        resolution: String?, videoBitrate: Int?
    ) {
        self.sdkKey = sdkKey
        self.name = name
        self.level = level
        self.flvURL = flvURL
        self.hlsURL = hlsURL
        self.videoCodec = videoCodec
        self.resolution = resolution
        self.videoBitrate = videoBitrate
    }
}

/// Which variant a recorder should pull, and why; the reason is meant for logs and the recording's metadata.
public struct StreamSelection: Sendable, Equatable {
    /// The variant chosen.
    public var variant: StreamVariant
    /// The URL to pull (FLV preferred).
    public var url: String
    /// A sentence explaining the choice.
    public var reason: String

    /// Picks the highest-level variant that has an FLV URL, else the highest with HLS.
    /// - Returns: `nil` when the room offers no playable URL (restricted rooms, ended lives).
    public static func best(of variants: [StreamVariant]) -> StreamSelection? {
        let ranked = variants.sorted { $0.level > $1.level }
        if let flv = ranked.first(where: { !($0.flvURL ?? "").isEmpty }), let url = flv.flvURL {
            let details = [flv.videoCodec, flv.resolution].compactMap { $0 }.joined(separator: " ")
            return StreamSelection(
                variant: flv, url: url,
                reason: "highest quality with HTTP-FLV: \(flv.name) (\(flv.sdkKey)\(details.isEmpty ? "" : ", \(details)"))"
            )
        }
        if let hls = ranked.first(where: { !($0.hlsURL ?? "").isEmpty }), let url = hls.hlsURL {
            return StreamSelection(variant: hls, url: url, reason: "no FLV offered; highest quality with HLS: \(hls.name)")
        }
        return nil
    }
}
