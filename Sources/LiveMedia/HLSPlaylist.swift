import CurlTransport
import Foundation

/// An HLS playlist (RFC 8216), master or media, with every URI resolved against the playlist's own URL.
///
/// Reads what a live recorder needs: `#EXTM3U`, `#EXT-X-STREAM-INF` (`BANDWIDTH`, `RESOLUTION`, `CODECS`),
/// `#EXT-X-TARGETDURATION`, `#EXT-X-MEDIA-SEQUENCE`, `#EXTINF`, `#EXT-X-DISCONTINUITY`, `#EXT-X-MAP`,
/// `#EXT-X-KEY` (only `METHOD=NONE` is accepted) and `#EXT-X-ENDLIST`. Other tags are ignored.
public enum HLSPlaylist: Sendable, Equatable {
    /// A master playlist: the variants (renditions) of one stream.
    case master([Variant])
    /// A media playlist: the segments of one rendition.
    case media(Media)

    /// One variant of a master playlist.
    public struct Variant: Sendable, Equatable {
        /// The media playlist's absolute URL.
        public var url: String
        /// Peak bits per second (`BANDWIDTH`).
        public var bandwidth: Int
        /// `RESOLUTION`, e.g. `1280x720`, if given.
        public var resolution: String?
        /// `CODECS`, e.g. `avc1.64001f,mp4a.40.2`, if given.
        public var codecs: String?
    }

    /// One media segment.
    public struct Segment: Sendable, Equatable {
        /// The segment's absolute URL.
        public var url: String
        /// Its media sequence number.
        public var sequence: Int
        /// `#EXTINF` duration, seconds.
        public var duration: Double
        /// Whether `#EXT-X-DISCONTINUITY` precedes it (timestamps or encoding may change here).
        public var discontinuity: Bool
        /// The `#EXT-X-MAP` initialisation segment's absolute URL (fragmented MP4 segments), if any.
        public var initializationURL: String?
    }

    /// A media playlist.
    public struct Media: Sendable, Equatable {
        /// `#EXT-X-TARGETDURATION`, seconds (the reload interval of a live playlist).
        public var targetDuration: Double
        /// `#EXT-X-MEDIA-SEQUENCE`: the sequence number of the first segment.
        public var mediaSequence: Int
        /// The segments, in order.
        public var segments: [Segment]
        /// Whether `#EXT-X-ENDLIST` is present (the stream has ended or is a VOD).
        public var hasEnded: Bool
    }

    /// The playlist's variants chosen for recording: the highest `BANDWIDTH` among those with video (when `CODECS`
    /// says), `nil` for an empty list.
    public static func best(of variants: [Variant]) -> Variant? {
        let withVideo = variants.filter { variant in
            guard let codecs = variant.codecs?.lowercased() else { return true }
            return ["avc", "hvc", "hev"].contains { codecs.contains($0) }
        }
        return (withVideo.isEmpty ? variants : withVideo).max { $0.bandwidth < $1.bandwidth }
    }

    /// Parses `text`, fetched from `url` (relative URIs are resolved against it).
    /// - Throws: ``LiveMediaError`` naming the URL (query redacted) when the text is not an HLS playlist, a media
    ///   playlist lacks `#EXT-X-TARGETDURATION`, or segments are encrypted.
    public static func parse(_ text: String, url: String) throws(LiveMediaError) -> HLSPlaylist {
        let shownURL = CurlError.redact(url)
        var lines = text.split(omittingEmptySubsequences: true, whereSeparator: \.isNewline).map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        if let first = lines.first, first.hasPrefix("\u{FEFF}") { lines[0] = String(first.dropFirst()) }
        guard lines.first == "#EXTM3U" else {
            throw MediaInputFailure.invalidData("the HLS playlist \(shownURL)", "it does not start with #EXTM3U (not a playlist)")
        }
        var variants: [Variant] = []
        var segments: [Segment] = []
        var targetDuration: Double?
        var mediaSequence = 0
        var hasEnded = false
        var pendingVariant: [String: String]?
        var pendingDuration: Double?
        var pendingDiscontinuity = false
        var initializationURL: String?
        for line in lines.dropFirst() {
            if line.hasPrefix("#") {
                let (tag, value) = Self.split(line)
                switch tag {
                case "#EXT-X-STREAM-INF":
                    pendingVariant = Self.attributes(value)
                case "#EXT-X-TARGETDURATION":
                    targetDuration = Double(value)
                case "#EXT-X-MEDIA-SEQUENCE":
                    mediaSequence = Int(value) ?? 0
                case "#EXTINF":
                    pendingDuration = Double(value.prefix { $0 != "," }.trimmingCharacters(in: .whitespaces)) ?? 0
                case "#EXT-X-DISCONTINUITY":
                    pendingDiscontinuity = true
                case "#EXT-X-ENDLIST":
                    hasEnded = true
                case "#EXT-X-MAP":
                    initializationURL = Self.attributes(value)["URI"].map { Self.resolve($0, against: url) }
                case "#EXT-X-KEY":
                    let method = Self.attributes(value)["METHOD"] ?? "NONE"
                    guard method == "NONE" else {
                        throw .unsupportedCodec("encrypted HLS segments (METHOD=\(method)) in \(shownURL)")
                    }
                default:
                    break
                }
                continue
            }
            if let attributes = pendingVariant {
                variants.append(
                    Variant(
                        url: Self.resolve(line, against: url), bandwidth: Int(attributes["BANDWIDTH"] ?? "") ?? 0,
                        resolution: attributes["RESOLUTION"], codecs: attributes["CODECS"]
                    )
                )
                pendingVariant = nil
            } else if let duration = pendingDuration {
                segments.append(
                    Segment(
                        url: Self.resolve(line, against: url), sequence: mediaSequence + segments.count, duration: duration,
                        discontinuity: pendingDiscontinuity, initializationURL: initializationURL
                    )
                )
                pendingDuration = nil
                pendingDiscontinuity = false
            }
        }
        if !variants.isEmpty { return .master(variants) }
        guard let targetDuration, targetDuration > 0 else {
            throw MediaInputFailure.invalidData("the HLS playlist \(shownURL)", "it has neither variants nor #EXT-X-TARGETDURATION")
        }
        return .media(Media(targetDuration: targetDuration, mediaSequence: mediaSequence, segments: segments, hasEnded: hasEnded))
    }

    /// `#TAG:value` → (`#TAG`, `value`).
    private static func split(_ line: String) -> (String, String) {
        guard let colon = line.firstIndex(of: ":") else { return (line, "") }
        return (String(line[..<colon]), String(line[line.index(after: colon)...]))
    }

    /// An attribute list (`KEY=value,KEY="quoted, with commas"`) as a dictionary, quotes removed.
    static func attributes(_ text: String) -> [String: String] {
        var result: [String: String] = [:]
        var key = ""
        var value = ""
        var inKey = true
        var inQuotes = false
        for character in text + "," {
            if inKey {
                if character == "=" {
                    inKey = false
                } else if character != "," {
                    key.append(character)
                }
            } else if character == "\"" {
                inQuotes.toggle()
            } else if character == "," && !inQuotes {
                result[key.trimmingCharacters(in: .whitespaces)] = value
                key = ""
                value = ""
                inKey = true
            } else {
                value.append(character)
            }
        }
        return result
    }

    /// `reference` resolved against `base` (RFC 3986), or `reference` itself when it cannot be.
    static func resolve(_ reference: String, against base: String) -> String {
        guard let baseURL = URL(string: base), let resolved = URL(string: reference, relativeTo: baseURL) else { return reference }
        return resolved.absoluteString
    }
}
