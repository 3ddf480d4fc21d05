import CurlTransport
import Foundation

/// A live (or finished) HLS stream, followed by our own playlist reader on libcurl, with each MPEG-TS segment
/// demuxed by libavformat from memory.
///
/// A master playlist is resolved to its highest-bandwidth video variant. The media playlist is reloaded after a
/// target duration when it brought new segments and after half of one when it did not (RFC 8216 §6.3.4); each new
/// segment is downloaded once, in order. A live playlist is joined three segments before its end (as players do); a
/// finished one (`#EXT-X-ENDLIST`) is read from its first segment, and the input returns after its last.
///
/// **One demuxer per segment.** Each downloaded segment is opened as a complete MPEG-TS input over a custom
/// `AVIOContext` reading the byte array (no probing, no stream-info pass: the PMT names the codecs), so a
/// discontinuity (`#EXT-X-DISCONTINUITY`, lost segments) lands exactly between two segments' packets, PID or codec
/// changes at a discontinuity cannot confuse a long-lived demuxer, and a damaged segment fails alone. What must
/// survive segment boundaries (the current configurations, the 33-bit timestamp unwrap) lives in one
/// ``ElementaryStreamNormalizer``. Fragmented-MP4 segments (`#EXT-X-MAP`) are demuxed as init + media segment.
///
/// Emits ``MediaInputEvent/discontinuity(reason:)`` before a segment marked `#EXT-X-DISCONTINUITY` and when
/// media sequence numbers were skipped (segments left the playlist before we fetched them) or a listed segment
/// answered 404/410 (skipped, not fatal).
public struct HLSInput: MediaInput {
    /// The playlist URL (master or media).
    public let playlistURL: String
    /// How long without a new segment before the input fails as stalled.
    public let stallTimeout: Duration
    private let fetcher: any HLSFetcher
    /// Segments before the live edge to start at (players use 3).
    static let liveStartSegments = 3
    /// The largest playlist accepted, bytes.
    static let maximumPlaylistSize = 4 << 20
    /// The largest segment accepted, bytes (a 10 s 1080p segment is about 10 MiB).
    static let maximumSegmentSize = 128 << 20

    /// Creates an input for the playlist at `playlistURL`, fetched with `headers` through `proxy`.
    public init(
        playlistURL: String, headers: [(name: String, value: String)] = [], proxy: String? = nil,
        stallTimeout: Duration = .seconds(15)
    ) {
        self.init(
            playlistURL: playlistURL, stallTimeout: stallTimeout,
            fetcher: CurlHLSFetcher(headers: headers, proxy: proxy, stallTimeout: stallTimeout)
        )
    }

    /// Creates an input that downloads through `fetcher` (tests serve playlists and segments from memory).
    init(playlistURL: String, stallTimeout: Duration, fetcher: any HLSFetcher) {
        self.playlistURL = playlistURL
        self.stallTimeout = stallTimeout
        self.fetcher = fetcher
    }

    /// `HLS https://host/path.m3u8?…`, with the query (signatures) redacted.
    public var description: String { "HLS \(CurlError.redact(self.playlistURL))" }

    /// Follows the playlist until `#EXT-X-ENDLIST` has been read through (returns), `stop` is raised (returns), or
    /// it fails.
    /// - Throws: `CurlError` for HTTP and network failures (a 403/404 playlist: the stream ended or the URL
    ///   expired), ``LiveMediaError`` for a broken playlist or segment, an unsupported codec, or a stall (`.libav`
    ///   ``LiveMediaError/stalled(source:after:detail:)``: no new segment within `stallTimeout`), or what `sink` throws.
    public func run(stop: StopSignal, sink: any MediaInputSink) throws {
        do {
            try self.follow(stop: stop, sink: sink)
        } catch let error as CurlError where error.kind == .cancelled && stop.isStopped {
            return
        }
    }

    private func follow(stop: StopSignal, sink: any MediaInputSink) throws {
        var mediaURL = self.playlistURL
        var playlist = try self.load(mediaURL, stop: stop, sink: sink)
        if case .master(let variants) = playlist {
            guard let variant = HLSPlaylist.best(of: variants) else {
                throw MediaInputFailure.invalidData("the HLS playlist \(CurlError.redact(mediaURL))", "it lists no variant")
            }
            mediaURL = variant.url
            playlist = try self.load(mediaURL, stop: stop, sink: sink)
        }
        let normalizer = ElementaryStreamNormalizer(source: "HLS \(CurlError.redact(mediaURL))", unwrapTimestamps: true)
        let clock = ContinuousClock()
        var nextSequence: Int? = nil
        var lastProgress = clock.now
        var initializationSegments: [String: [UInt8]] = [:]
        var delivered = false
        while !stop.isStopped {
            let loadedAt = clock.now
            guard case .media(let media) = playlist else {
                throw MediaInputFailure.invalidData(
                    "the HLS playlist \(CurlError.redact(mediaURL))", "a variant is itself a master playlist")
            }
            if nextSequence == nil {
                let start = media.hasEnded ? 0 : max(media.segments.count - Self.liveStartSegments, 0)
                nextSequence = media.segments.indices.contains(start) ? media.segments[start].sequence : media.mediaSequence
            }
            if let expected = nextSequence, let last = media.segments.last, last.sequence + 1 < expected - Self.liveStartSegments {
                // The sequence went backwards: the stream was restarted under the same URL.
                try sink.receive(.discontinuity(reason: "HLS media sequence restarted (\(last.sequence) after \(expected - 1))"))
                nextSequence = media.segments.first?.sequence
            }
            var gotSegment = false
            for segment in media.segments where segment.sequence >= nextSequence ?? 0 {
                if stop.isStopped { return }
                if let expected = nextSequence, segment.sequence > expected, delivered {
                    try sink.receive(
                        .discontinuity(reason: "HLS segments \(expected)…\(segment.sequence - 1) were lost (the playlist moved past them)")
                    )
                } else if segment.discontinuity, delivered {
                    try sink.receive(.discontinuity(reason: "HLS #EXT-X-DISCONTINUITY before segment \(segment.sequence)"))
                }
                var bytes: [UInt8] = []
                if let initURL = segment.initializationURL {
                    if initializationSegments[initURL] == nil {
                        let initialization = try self.fetcher.fetch(initURL, limit: Self.maximumSegmentSize, stop: stop)
                        sink.received(bytes: initialization.count)
                        initializationSegments[initURL] = initialization
                    }
                    bytes = initializationSegments[initURL] ?? []
                }
                do {
                    let media = try self.fetcher.fetch(segment.url, limit: Self.maximumSegmentSize, stop: stop)
                    sink.received(bytes: media.count)
                    bytes += media
                } catch let error as CurlError {
                    // A segment the CDN no longer has is lost, not fatal: the next one is reported after a gap.
                    guard case .httpStatus(let status) = error.kind, status == 404 || status == 410 else { throw error }
                    nextSequence = segment.sequence + 1
                    if delivered {
                        try sink.receive(.discontinuity(reason: "HLS segment \(segment.sequence) is gone (HTTP \(status))"))
                    }
                    continue
                }
                try self.demux(bytes, segment: segment, normalizer: normalizer, stop: stop, sink: sink)
                nextSequence = segment.sequence + 1
                gotSegment = true
                delivered = true
                lastProgress = clock.now
            }
            if media.hasEnded { return }
            if clock.now - lastProgress > self.stallTimeout {
                throw LiveMediaError.stalled(
                    source: self.description, after: self.stallTimeout,
                    detail: "no new segment; the stream stalled or ended without #EXT-X-ENDLIST"
                )
            }
            let interval = Duration.seconds(gotSegment ? media.targetDuration : media.targetDuration / 2)
            try Self.sleep(until: loadedAt + interval, stop: stop)
            if stop.isStopped { return }
            playlist = try self.reload(mediaURL, stop: stop, sink: sink, lastProgress: lastProgress)
        }
    }

    /// Loads and parses one playlist.
    private func load(_ url: String, stop: StopSignal, sink: any MediaInputSink) throws -> HLSPlaylist {
        let body = try self.fetcher.fetch(url, limit: Self.maximumPlaylistSize, stop: stop)
        sink.received(bytes: body.count)
        return try HLSPlaylist.parse(String(decoding: body, as: UTF8.self), url: url)
    }

    /// Reloads the media playlist, retrying transient failures (network errors, 5xx) until the stall timeout.
    private func reload(
        _ url: String, stop: StopSignal, sink: any MediaInputSink, lastProgress: ContinuousClock.Instant
    ) throws -> HLSPlaylist {
        while true {
            do {
                return try self.load(url, stop: stop, sink: sink)
            } catch let error as CurlError {
                if case .httpStatus(let status) = error.kind, status < 500 { throw error }
                if error.kind == .cancelled || ContinuousClock.now - lastProgress > self.stallTimeout { throw error }
                try Self.sleep(until: ContinuousClock.now + .milliseconds(500), stop: stop)
                if stop.isStopped { throw error }
            }
        }
    }

    private func demux(
        _ bytes: [UInt8], segment: HLSPlaylist.Segment, normalizer: ElementaryStreamNormalizer, stop: StopSignal,
        sink: any MediaInputSink
    ) throws {
        let name = "HLS segment \(segment.sequence) (\(CurlError.redact(segment.url)))"
        let demuxer = try LibAVDemuxer(
            bytes: bytes, name: name, formatName: bytes.first == 0x47 && segment.initializationURL == nil ? "mpegts" : nil)
        try demuxer.forEachPacket(stop: stop) { packet in try normalizer.take(packet) { try sink.receive($0) } }
    }

    /// Sleeps until `deadline` in short slices, returning early when `stop` is raised.
    private static func sleep(until deadline: ContinuousClock.Instant, stop: StopSignal) throws {
        while !stop.isStopped {
            let left = deadline - ContinuousClock.now
            if left <= .zero { return }
            let seconds = Double(left.components.seconds) + Double(left.components.attoseconds) * 1e-18
            Thread.sleep(forTimeInterval: min(seconds, 0.05))
        }
    }
}
