import CurlTransport
import Foundation
import LiveMedia
import Logging
import Synchronization
import Testing
import TikTokSimulator

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The simulator's live HLS, as a player sees it: a sliding playlist of MPEG-TS segments that ffprobe (and
/// ffmpeg's own HLS demuxer) reads, signed URLs that expire, and an `EXT-X-ENDLIST` when the live ends.
@Suite(.serialized) struct SimulatorHLSTests {
    static let quiet = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    /// What one playlist said.
    struct Playlist {
        var text: String
        var mediaSequence: Int? { Self.value(of: "#EXT-X-MEDIA-SEQUENCE:", in: self.text).flatMap { Int($0) } }
        var targetDuration: Int? { Self.value(of: "#EXT-X-TARGETDURATION:", in: self.text).flatMap { Int($0) } }
        var durations: [Double] {
            self.text.split(separator: "\n").compactMap { line in
                line.hasPrefix("#EXTINF:") ? Double(line.dropFirst("#EXTINF:".count).prefix { $0 != "," }) : nil
            }
        }
        var segmentURIs: [String] { self.text.split(separator: "\n").filter { !$0.hasPrefix("#") }.map(String.init) }
        var ended: Bool { self.text.contains("#EXT-X-ENDLIST") }
        var discontinuities: Int { self.text.components(separatedBy: "#EXT-X-DISCONTINUITY\n").count - 1 }

        static func value(of tag: String, in text: String) -> String? {
            text.split(separator: "\n").first { $0.hasPrefix(tag) }.map { String($0.dropFirst(tag.count)) }
        }
    }

    /// Runs a simulator whose built-in creator (or `scenario`'s `sim_creator`) is live at once for `seconds`, and hands `body` the simulator and the
    /// HLS URL of `rendition` (an `sdk_key`), read from room info's `stream_data` as a client would.
    static func withLiveHLS(
        seconds: Int = 30, scenario: SimulatorScenario? = nil, rendition: String = "origin",
        _ body: @Sendable @escaping (TikTokSimulator, String) async throws -> Void
    ) async throws {
        try await CDNFaultTests.withLiveRoom(scenario ?? .builtIn(liveAfter: .zero, liveDuration: .seconds(seconds))) {
            simulator, roomInfo in
            let url = try #require(Self.hlsURL(rendition, in: roomInfo), "room info lists an HLS URL for \(rendition)")
            try await body(simulator, url)
        }
    }

    /// `stream_data.data[sdkKey].main.hls` in a room info answer (`stream_data` is JSON encoded as a string).
    static func hlsURL(_ sdkKey: String, in json: Any?) -> String? {
        let data = (json as? [String: Any])?["data"] as? [String: Any]
        let streamURL = data?["stream_url"] as? [String: Any]
        let pullData = (streamURL?["live_core_sdk_data"] as? [String: Any])?["pull_data"] as? [String: Any]
        guard let text = pullData?["stream_data"] as? String,
            let streamData = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
            let entry = (streamData["data"] as? [String: Any])?[sdkKey] as? [String: Any]
        else { return nil }
        return (entry["main"] as? [String: Any])?["hls"] as? String
    }

    /// GETs `url`: status and body.
    static func fetch(_ url: String) async throws -> (status: Int, body: Data) {
        var request = URLRequest(url: try #require(URL(string: url)))
        request.timeoutInterval = 30
        let (data, response) = try await URLSession.shared.data(for: request)
        return (try #require(response as? HTTPURLResponse).statusCode, data)
    }

    static func playlist(_ url: String) async throws -> Playlist {
        let (status, body) = try await Self.fetch(url)
        try #require(status == 200, "playlist answered \(status)")
        return Playlist(text: String(decoding: body, as: UTF8.self))
    }

    /// `uri` resolved against the playlist's URL.
    static func resolve(_ uri: String, against playlistURL: String) throws -> String {
        try #require(URL(string: uri, relativeTo: URL(string: playlistURL))).absoluteString
    }

    /// Runs ffprobe (off the cooperative pool, which the in-process simulator needs).
    static func ffprobe(_ arguments: [String]) async throws -> String {
        let path = try ExternalTools.ffmpegTool("ffprobe")
        return try await ExternalTools.run(path, arguments)
    }

    @Test func theLivePlaylistSlidesOverSegmentsFFprobeReadsAndEndsWithEndList() async throws {
        try await Self.withLiveHLS(seconds: 20) { _, url in
            var seen: [Playlist] = []
            var segmentProbe: String?
            var segmentBytes = Data()
            var liveProbe: String?
            let start = ContinuousClock.now
            while ContinuousClock.now - start < .seconds(35) {
                let playlist = try await Self.playlist(url)
                seen.append(playlist)
                if playlist.ended { break }
                if segmentProbe == nil, playlist.segmentURIs.count >= 3 {
                    // Two consecutive segments: each valid on its own, the second starting where the first ends.
                    let uris = playlist.segmentURIs.suffix(2).map { try? Self.resolve($0, against: url) }
                    var probes: [String] = []
                    for uri in uris {
                        let (status, body) = try await Self.fetch(try #require(uri))
                        #expect(status == 200)
                        segmentBytes = body
                        probes.append(try await Self.probeSegment(body))
                    }
                    segmentProbe = probes[0]
                    let starts = probes.map { Self.flatValue("format.start_time", in: $0).flatMap(Double.init) ?? -1 }
                    let extinf = playlist.durations[playlist.durations.count - 2]
                    #expect(abs(starts[1] - starts[0] - extinf) < 0.05, "timestamps carry on: starts \(starts), EXTINF \(extinf)")
                }
                if liveProbe == nil, playlist.segmentURIs.count >= 3 {
                    // ffmpeg's own HLS demuxer, as an outside witness of the live playlist.
                    liveProbe = try await Self.ffprobe(["-v", "error", "-show_entries", "stream=codec_name", "-of", "csv=p=0", url])
                }
                try await Task.sleep(for: .seconds(1))
            }

            let sequences = seen.compactMap(\.mediaSequence)
            #expect(sequences.count == seen.count, "every playlist has EXT-X-MEDIA-SEQUENCE")
            #expect(zip(sequences, sequences.dropFirst()).allSatisfy { $1 >= $0 }, "the media sequence never goes back: \(sequences)")
            #expect((sequences.last ?? 0) >= (sequences.first ?? 0) + 2, "the playlist slid: \(sequences)")
            let counts = seen.map(\.segmentURIs.count)
            #expect(counts.max() == 6, "the window fills to 6 segments: \(counts)")
            if let full = counts.firstIndex(of: 6) {
                #expect(counts[full...].allSatisfy { $0 == 6 }, "and stays at 6: \(counts)")
            }
            let durations = seen.flatMap(\.durations)
            #expect(durations.dropLast().allSatisfy { $0 > 1.5 && $0 < 2.6 }, "segments of about 2 s: \(durations)")
            #expect(seen.allSatisfy { ($0.targetDuration ?? 0) >= Int(($0.durations.max() ?? 0).rounded()) })
            #expect(seen.last?.ended == true, "after the live ends the playlist has EXT-X-ENDLIST")
            #expect(seen.dropLast().allSatisfy { !$0.ended }, "no EXT-X-ENDLIST while live")

            #expect(segmentBytes.count > 188 && segmentBytes.count % 188 == 0 && segmentBytes.first == 0x47, "whole TS packets")
            let probe = try #require(segmentProbe)
            #expect(probe.contains("codec_name=\"h264\"") && probe.contains("codec_name=\"aac\""), "h264 + aac: \(probe)")
            #expect(probe.contains("format_name=\"mpegts\""), "\(probe)")
            let segmentDuration = Self.flatValue("format.duration", in: probe).flatMap(Double.init) ?? 0
            #expect(segmentDuration > 1.5 && segmentDuration < 2.6, "ffprobe: segment of \(segmentDuration) s")
            let live = try #require(liveProbe, "ffprobe ran against the live playlist")
            // ffprobe lists the streams once per program and once on their own.
            #expect(Set(live.split(separator: "\n").map(String.init)) == ["aac", "h264"], "ffmpeg's HLS demuxer: \(live)")
        }
    }

    @Test func theHEVCRenditionIsHEVCInMPEGTS() async throws {
        try await Self.withLiveHLS(seconds: 20, rendition: "hd_60") { _, url in
            #expect(url.contains("_hd560/playlist.m3u8"), "\(url)")
            var playlist = try await Self.playlist(url)
            let start = ContinuousClock.now
            while playlist.segmentURIs.count < 2, ContinuousClock.now - start < .seconds(10) {
                try await Task.sleep(for: .milliseconds(500))
                playlist = try await Self.playlist(url)
            }
            let (status, body) = try await Self.fetch(try Self.resolve(try #require(playlist.segmentURIs.last), against: url))
            #expect(status == 200)
            let probe = try await Self.probeSegment(body)
            #expect(probe.contains("codec_name=\"hevc\"") && probe.contains("codec_name=\"aac\""), "hevc + aac: \(probe)")
            let live = try await Self.ffprobe(["-v", "error", "-show_entries", "stream=codec_name", "-of", "csv=p=0", url])
            #expect(Set(live.split(separator: "\n").map(String.init)) == ["aac", "hevc"], "ffmpeg's HLS demuxer: \(live)")
        }
    }

    @Test(arguments: ["inBandOnly", "sequenceHeader"])
    func aResolutionChangeStartsADiscontinuityWhoseSegmentsDecodeAtTheNewSize(announce: String) async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("hls-resolution-\(UUID().uuidString).yaml").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try """
        encoder: loop
        creators:
          - uniqueId: sim_creator
            userId: "6900000000000000001"
            roomId: "7300000000000000001"
            timeline:
              - at: 0
                live:
              - at: 3
                resolution: {width: 360, height: 640, announce: \(announce)}
              - at: 40
                end: 3
        """.write(toFile: path, atomically: true, encoding: .utf8)
        let scenario = try ScenarioFile.load(path: path)
        try await Self.withLiveHLS(scenario: scenario) { _, url in
            var playlist = try await Self.playlist(url)
            let start = ContinuousClock.now
            // Wait for two whole segments after the change.
            while playlist.text.components(separatedBy: "#EXT-X-DISCONTINUITY\n").last.map({
                $0.components(separatedBy: "#EXTINF").count - 1
            }) ?? 0 < 3,
                ContinuousClock.now - start < .seconds(15)
            {
                try await Task.sleep(for: .milliseconds(500))
                playlist = try await Self.playlist(url)
            }
            #expect(playlist.discontinuities == 1, "one EXT-X-DISCONTINUITY at the change:\n\(playlist.text)")
            for uri in playlist.segmentURIs.suffix(2) {
                let (_, body) = try await Self.fetch(try Self.resolve(uri, against: url))
                let file = FileManager.default.temporaryDirectory.appendingPathComponent("hls-\(UUID().uuidString).ts")
                try body.write(to: file)
                defer { try? FileManager.default.removeItem(at: file) }
                // Every frame decodes at the new size (a stale SPS before a later keyframe would bring back 640x360).
                let sizes = try await Self.ffprobe([
                    "-v", "error", "-select_streams", "v", "-show_entries", "frame=width,height", "-of", "csv=p=0", file.path,
                ])
                // (`csv` adds a trailing comma to a frame with side data.)
                let frames = sizes.split(separator: "\n").map { $0.split(separator: ",").prefix(2).joined(separator: ",") }
                #expect(frames.count >= 50 && frames.allSatisfy { $0 == "360,640" }, "frame sizes: \(Set(frames)), \(frames.count) frames")
            }
        }
    }

    @Test func ourHLSInputFollowsTheLivePlaylistToItsEnd() async throws {
        try await Self.withLiveHLS(seconds: 12) { _, url in
            let sink = CollectingSink()
            // HLSInput blocks: run it on a thread of its own; it returns after EXT-X-ENDLIST.
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                Thread { continuation.resume(with: Result { try MediaInputs.open(url).run(stop: StopSignal(), sink: sink) }) }.start()
            }
            let events = sink.events.withLock { $0 }
            let video = events.compactMap { event -> MediaPacket? in
                if case .packet(let packet) = event, packet.track == .video { return packet }
                return nil
            }
            let audio = events.filter { if case .packet(let packet) = $0 { packet.track == .audio } else { false } }
            #expect(events.contains { if case .videoConfiguration(let video) = $0 { video.codec == .h264 } else { false } })
            #expect(events.contains { if case .audioConfiguration = $0 { true } else { false } })
            #expect(!events.contains { if case .discontinuity = $0 { true } else { false } }, "no discontinuity")
            #expect(video.first?.isKeyframe == true, "starts at a keyframe")
            let span = (video.last?.dts ?? 0) - (video.first?.dts ?? 0)
            #expect(span >= 5000 && span <= 13000, "several seconds of video up to the live's end (\(span) ms)")
            #expect(zip(video, video.dropFirst()).allSatisfy { $1.dts > $0.dts }, "video timestamps always advance")
            #expect(audio.count > video.count, "AAC frames alongside (\(audio.count) audio, \(video.count) video)")
        }
    }

    @Test func anExpiredURLIsRefusedAndASegmentOutsideTheWindowIsNotFound() async throws {
        try await Self.withLiveHLS(seconds: 30) { _, url in
            let playlist = try await Self.playlist(url)
            let segment = try Self.resolve(try #require(playlist.segmentURIs.last), against: url)
            #expect(try await Self.fetch(segment).status == 200)
            let past = Int(Date().timeIntervalSince1970) - 5
            func expired(_ text: String) -> String { text.replacing(/expire=\d+/, with: "expire=\(past)") }
            #expect(try await Self.fetch(expired(url)).status == 403, "expired playlist URL")
            #expect(try await Self.fetch(expired(segment)).status == 403, "expired segment URL")
            let gone = segment.replacing(/segment-\d+\.ts/, with: "segment-999999.ts")
            #expect(try await Self.fetch(gone).status == 404, "a segment outside the window")
        }
    }

    @Test func aTimestampJumpIsMarkedAsADiscontinuity() async throws {
        try await Self.withLiveHLS(seconds: 30) { simulator, url in
            let before = try await Self.playlist(url)
            #expect(before.discontinuities == 0)
            simulator.cdnFaults.jumpTimestamps(byMilliseconds: 5000)
            var after = before
            let start = ContinuousClock.now
            while after.discontinuities == 0, ContinuousClock.now - start < .seconds(10) {
                try await Task.sleep(for: .milliseconds(500))
                after = try await Self.playlist(url)
            }
            #expect(after.discontinuities == 1, "one EXT-X-DISCONTINUITY after the jump:\n\(after.text)")
            #expect(simulator.groundTruth.faults == ["cdn.timestampJump"])
        }
    }

    /// ffprobe's streams and format of one segment, checking that it starts with the program tables and its first video frame is a
    /// keyframe (the segment decodes on its own, with SPS/PPS in band).
    static func probeSegment(_ bytes: Data) async throws -> String {
        // Each segment starts with the service and program tables (SDT, PAT, PMT) before any media, so a player can
        // join at any segment.
        let packets = [UInt8](bytes.prefix(3 * 188))
        let pids = stride(from: 0, to: packets.count - 2, by: 188).map { Int(packets[$0 + 1] & 0x1F) << 8 | Int(packets[$0 + 2]) }
        #expect(pids.count == 3 && pids[0] == 0x11 && pids[1] == 0, "starts with SDT and PAT: PIDs \(pids)")
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("hls-\(UUID().uuidString).ts")
        try bytes.write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let firstFrame = try await Self.ffprobe([
            "-v", "error", "-select_streams", "v", "-show_entries", "frame=key_frame", "-read_intervals", "%+#1",
            "-of", "csv=p=0", file.path,
        ])
        #expect(firstFrame.trimmingCharacters(in: .whitespacesAndNewlines) == "1", "first frame: \(firstFrame)")
        return try await Self.ffprobe([
            "-v", "error", "-show_entries", "stream=codec_type,codec_name:format=format_name,start_time,duration",
            "-of", "flat", file.path,
        ])
    }

    /// The value of `key` in ffprobe's `flat` output, without quotes.
    static func flatValue(_ key: String, in text: String) -> String? {
        text.split(separator: "\n").first { $0.hasPrefix("\(key)=") }
            .map { String($0.dropFirst(key.count + 1)).trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
    }
}

/// Keeps every event an input delivers.
private final class CollectingSink: MediaInputSink, Sendable {
    let events = Mutex<[MediaInputEvent]>([])
    func receive(_ event: MediaInputEvent) throws { self.events.withLock { $0.append(event) } }
    func received(bytes: Int) {}
}
