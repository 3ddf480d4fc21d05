/// Which variant a recorder should pull, and why; the reason is meant for logs and the recording's metadata.
public struct StreamSelection: Sendable, Equatable {
    /// The variant chosen.
    public var variant: StreamVariant
    /// The URL to pull.
    public var url: String
    /// The transport of ``url``.
    public var format: StreamPolicy.Format
    /// A sentence explaining the choice: what was taken, over which format, and what was wanted but missing.
    public var reason: String

    /// Creates a selection value.
    public init(variant: StreamVariant, url: String, format: StreamPolicy.Format, reason: String) {
        self.variant = variant
        self.url = url
        self.format = format
        self.reason = reason
    }

    /// Picks the best variant with an HTTP-FLV URL, else the best with HLS (``StreamPolicy/best``).
    /// - Returns: `nil` when the room offers no playable URL (restricted rooms, ended lives).
    public static func best(of variants: [StreamVariant]) -> StreamSelection? {
        self.select(from: variants, policy: .best)
    }

    /// Picks a variant by `policy`.
    ///
    /// Formats are tried in the policy's order. For HTTP-FLV the `stream_data` qualities come first, then the
    /// older `flv_pull_url` map; for HLS the `stream_data` qualities, then `hls_pull_url` (protocol.md §2.3).
    /// Audio-only renditions are taken only when nothing else is offered.
    /// - Returns: `nil` when no variant has a URL in an accepted format.
    public static func select(from variants: [StreamVariant], policy: StreamPolicy) -> StreamSelection? {
        let video = variants.filter { !$0.isAudioOnly }
        let pool = video.isEmpty ? variants : video
        var missing: [String] = []
        for format in policy.formats {
            let sources: [StreamVariant.Source] = format == .flv ? [.streamData, .flvPullURL] : [.streamData, .hlsPullURL]
            for source in sources {
                let candidates = pool.filter { $0.source == source && !(Self.url(of: $0, format) ?? "").isEmpty }
                guard !candidates.isEmpty, let (variant, why) = Self.choose(among: candidates, policy: policy),
                    let url = Self.url(of: variant, format)
                else { continue }
                var reason = "\(variant.summary) over \(format.rawValue): \(why)"
                if source != .streamData { reason += "; stream_data lists no \(format.rawValue) URL" }
                if !missing.isEmpty { reason += "; " + missing.joined(separator: "; ") }
                if variant.isAudioOnly { reason += "; only audio is offered" }
                return StreamSelection(variant: variant, url: url, format: format, reason: reason)
            }
            missing.append("no variant offers \(format.rawValue)")
        }
        return nil
    }

    private static func url(of variant: StreamVariant, _ format: StreamPolicy.Format) -> String? {
        format == .flv ? variant.flvURL : variant.hlsURL
    }

    /// The variant `policy` wants among `candidates` (all from one source, all with a URL), and why.
    private static func choose(among candidates: [StreamVariant], policy: StreamPolicy) -> (StreamVariant, String)? {
        let ranked = candidates.enumerated().sorted { lhs, rhs in
            if lhs.element.level != rhs.element.level { return lhs.element.level > rhs.element.level }
            if (lhs.element.videoBitrate ?? 0) != (rhs.element.videoBitrate ?? 0) {
                return (lhs.element.videoBitrate ?? 0) > (rhs.element.videoBitrate ?? 0)
            }
            return lhs.offset < rhs.offset
        }.map(\.element)

        // Narrows `pool` to the preferred codec when it is offered there; says so when it is not.
        func preferringCodec(_ pool: [StreamVariant]) -> (pool: [StreamVariant], note: String) {
            guard let codec = policy.preferredCodec else { return (pool, "") }
            let matching = pool.filter { $0.codec == codec }
            if matching.isEmpty { return (pool, "; \(codec.displayName) was preferred but is not offered there") }
            return (matching, " in \(codec.displayName), as preferred")
        }

        switch policy.quality {
        case .best:
            let (pool, note) = preferringCodec(ranked)
            return pool.first.map { ($0, "the best quality" + note) }
        case .named(let wanted):
            let key = wanted.lowercased()
            let named = ranked.filter { [$0.sdkKey, $0.name, $0.resolution ?? ""].contains { $0.lowercased() == key } }
            if !named.isEmpty {
                let (pool, note) = preferringCodec(named)
                return pool.first.map { ($0, "\(wanted) as asked" + note) }
            }
            let offered = Self.uniqueNames(ranked).joined(separator: ", ")
            let (pool, note) = preferringCodec(ranked)
            if let wantedHeight = Self.height(named: wanted) {
                let below = pool.filter { ($0.height ?? Int.max) <= wantedHeight }
                if let nearest = below.max(by: { ($0.height ?? 0, $0.level) < ($1.height ?? 0, $1.level) }) {
                    return (nearest, "\(wanted) is not offered (offered: \(offered)); took the nearest lower quality" + note)
                }
                let above = pool.filter { $0.height != nil }.min { ($0.height ?? 0) < ($1.height ?? 0) }
                if let smallest = above ?? pool.last {
                    return (smallest, "\(wanted) is not offered (offered: \(offered)) and nothing lower is; took the lowest" + note)
                }
                return nil
            }
            return pool.first.map { ($0, "\(wanted) is not offered (offered: \(offered)); took the best quality" + note) }
        }
    }

    /// The height a quality name implies: `720` for `720p`, `720p60` or `1280x720`.
    private static func height(named name: String) -> Int? {
        let lower = name.lowercased()
        if let separator = lower.firstIndex(of: "x"), let height = Int(lower[lower.index(after: separator)...]) { return height }
        let digits = lower.prefix { $0.isNumber }
        guard !digits.isEmpty, lower.dropFirst(digits.count).hasPrefix("p") else { return nil }
        return Int(digits)
    }

    private static func uniqueNames(_ variants: [StreamVariant]) -> [String] {
        var seen: Set<String> = []
        return variants.map(\.name).filter { seen.insert($0).inserted }
    }
}
