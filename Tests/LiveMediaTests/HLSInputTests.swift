import CLibAV
import CurlTransport
import Foundation
import Testing

@testable import LiveMedia

/// Serves a scripted live HLS stream from memory: the n-th load of the media playlist gets the n-th text (the last
/// one forever after), segments come from ffmpeg's output.
final class ScriptedHLSFetcher: HLSFetcher {
    var playlists: [String: [String]] = [:]
    var files: [String: [UInt8]] = [:]
    var loads: [String: Int] = [:]
    var fetched: [String] = []

    func fetch(_ url: String, limit: Int, stop: StopSignal) throws -> [UInt8] {
        self.fetched.append(url)
        if let texts = self.playlists[url] {
            let index = self.loads[url, default: 0]
            self.loads[url] = index + 1
            return Array(texts[min(index, texts.count - 1)].utf8)
        }
        guard let bytes = self.files[url] else {
            throw MediaInputFailure.invalidData(url, "test fetcher has no such URL")
        }
        return bytes
    }
}

@Suite struct HLSInputTests {
    /// Six 1-second MPEG-TS segments of H.264 + AAC made by ffmpeg, and ffprobe's packet counts over all of them.
    struct Segments {
        var names: [String]
        var fetcher = ScriptedHLSFetcher()
        var counts: [String: Int]

        init(video: String = "libx264") throws {
            let directory = try MediaTool.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: directory) }
            let playlist = directory.appendingPathComponent("out.m3u8").path
            try MediaTool.encode(
                playlist, video: video, seconds: 6,
                extra: [
                    "-f", "hls", "-hls_time", "1", "-hls_list_size", "0", "-hls_segment_filename",
                    directory.appendingPathComponent("seg%d.ts").path,
                ])
            self.counts = try MediaTool.packetCounts(playlist)
            self.names = (0..<6).map { "seg\($0).ts" }
            for name in self.names {
                self.fetcher.files["http://t.example/live/\(name)"] = Array(try Data(contentsOf: directory.appendingPathComponent(name)))
            }
        }

        /// A media playlist text of segments `range`, target duration 0.1 s so the test reloads quickly.
        func playlist(_ range: ClosedRange<Int>, ended: Bool = false, discontinuityBefore: Int? = nil) -> String {
            var text = "#EXTM3U\n#EXT-X-TARGETDURATION:0.1\n#EXT-X-MEDIA-SEQUENCE:\(range.lowerBound)\n"
            for index in range {
                if index == discontinuityBefore { text += "#EXT-X-DISCONTINUITY\n" }
                text += "#EXTINF:1.0,\n\(self.names[index])\n"
            }
            return text + (ended ? "#EXT-X-ENDLIST\n" : "")
        }
    }

    static let url = "http://t.example/live/index.m3u8"

    @Test func aSlidingLivePlaylistIsFollowedToItsEndWithEveryFrame() throws {
        let segments = try Segments()
        segments.fetcher.playlists[Self.url] = [
            segments.playlist(0...2), segments.playlist(0...2), segments.playlist(1...3), segments.playlist(2...4),
            segments.playlist(3...5, ended: true),
        ]
        let sink = CollectingSink()
        try HLSInput(playlistURL: Self.url, stallTimeout: .seconds(10), fetcher: segments.fetcher).run(stop: StopSignal(), sink: sink)
        #expect(sink.videoPackets.count == segments.counts["video"])
        #expect(sink.audioPackets.count == segments.counts["audio"])
        #expect(sink.discontinuities.isEmpty)
        #expect(sink.videoConfigurations.count == 1)
        // Each segment downloaded once, in order.
        #expect(segments.fetcher.fetched.filter { $0.hasSuffix(".ts") } == segments.names.map { "http://t.example/live/\($0)" })
        let times = sink.videoPackets.map(\.dts)
        #expect(zip(times, times.dropFirst()).allSatisfy { $0 < $1 })
    }

    @Test func lostSegmentsAndMarkedDiscontinuitiesAreReported() throws {
        let segments = try Segments()
        segments.fetcher.playlists[Self.url] = [
            segments.playlist(0...1), segments.playlist(3...5, ended: true, discontinuityBefore: 5),
        ]
        let sink = CollectingSink()
        try HLSInput(playlistURL: Self.url, stallTimeout: .seconds(10), fetcher: segments.fetcher).run(stop: StopSignal(), sink: sink)
        #expect(sink.discontinuities.count == 2)
        #expect(sink.discontinuities.first?.contains("2…2 were lost") == true)
        #expect(sink.discontinuities.last?.contains("EXT-X-DISCONTINUITY before segment 5") == true)
        // The gap is reported between segment 1's frames and segment 3's.
        let firstGap = try #require(sink.events.firstIndex { if case .discontinuity = $0 { true } else { false } })
        let framesBefore = sink.events[..<firstGap].filter { if case .packet(let p) = $0 { p.track == .video } else { false } }
        #expect(framesBefore.count == 50)
    }

    @Test func aMasterPlaylistLeadsToItsBestVariant() throws {
        let segments = try Segments(video: "libx265")
        let master = "http://t.example/live/master.m3u8"
        segments.fetcher.playlists[master] = [
            "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=100\nlow.m3u8\n#EXT-X-STREAM-INF:BANDWIDTH=900\nindex.m3u8\n"
        ]
        segments.fetcher.playlists[Self.url] = [segments.playlist(0...5, ended: true)]
        let sink = CollectingSink()
        try HLSInput(playlistURL: master, stallTimeout: .seconds(10), fetcher: segments.fetcher).run(stop: StopSignal(), sink: sink)
        #expect(sink.videoPackets.count == segments.counts["video"])
        #expect(sink.videoConfigurations.map(\.codec) == [.hevc])
        #expect(!segments.fetcher.fetched.contains("http://t.example/live/low.m3u8"))
    }

    @Test func aPlaylistThatStopsGrowingStallsAndStopEndsIt() throws {
        let segments = try Segments()
        segments.fetcher.playlists[Self.url] = [segments.playlist(0...1)]
        let started = ContinuousClock.now
        do {
            try HLSInput(playlistURL: Self.url, stallTimeout: .milliseconds(800), fetcher: segments.fetcher)
                .run(stop: StopSignal(), sink: CollectingSink())
            Issue.record("a stalled playlist did not fail")
        } catch let error as LiveMediaError {
            guard case .stalled(_, let after, _) = error else { throw error }
            #expect(after == .milliseconds(800))
            #expect(error.description.contains("no new segment"))
        }
        #expect(ContinuousClock.now - started < .seconds(8))

        let stop = StopSignal()
        let sink = CollectingSink()
        sink.onEvent = { _ in if sink.videoPackets.count == 5 { stop.stop() } }
        try HLSInput(playlistURL: Self.url, stallTimeout: .seconds(60), fetcher: segments.fetcher).run(stop: stop, sink: sink)
        #expect(sink.videoPackets.count == 5)
    }

    @Test func mpegTSTimestampsKeepRisingAcrossThe33BitWrap() throws {
        let normalizer = ElementaryStreamNormalizer(source: "test", unwrapTimestamps: true)
        var times: [Int64] = []
        let period: Int64 = 1 << 33
        for ticks in [period - 18000, period - 9000, 0, 9000, 18000] {
            let packet = LibAVDemuxer.Packet(
                track: .audio, videoCodec: .h264, data: [1, 2, 3], extradata: [0x12, 0x10], dts: ticks, pts: ticks,
                timeBase: AVRational(num: 1, den: 90000), wrapBits: 33, isKeyframe: true)
            try normalizer.take(packet) { event in
                if case .packet(let media) = event { times.append(media.dts) }
            }
        }
        #expect(times.count == 5)
        #expect(zip(times, times.dropFirst()).allSatisfy { $1 - $0 == 100 })
    }
}
