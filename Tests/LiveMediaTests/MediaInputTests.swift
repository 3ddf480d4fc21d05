import CurlTransport
import Foundation
import Testing

@testable import LiveMedia

@Suite struct MediaInputTests {
    @Test(arguments: ["libx264", "libx265"])
    func anMPEGTSFileGivesTheFramesFFprobeCounts(video: String) throws {
        let directory = try MediaTool.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("input.ts").path
        try MediaTool.encode(path, video: video)
        let expected = try MediaTool.packetCounts(path)
        let sink = CollectingSink()
        let input = try MediaInputs.open(path)
        #expect(input is LibAVDemuxInput)
        try input.run(stop: StopSignal(), sink: sink)
        #expect(sink.videoPackets.count == expected["video"])
        #expect(sink.audioPackets.count == expected["audio"])
        let configuration = try #require(sink.videoConfigurations.first)
        #expect(sink.videoConfigurations.count == 1)
        #expect(configuration.codec == (video == "libx265" ? .hevc : .h264) && configuration.width == 320 && configuration.height == 240)
        // The configuration comes before the first frame, and the frames decode with it.
        guard case .videoConfiguration = sink.events.first(where: { if case .audioConfiguration = $0 { false } else { true } }) else {
            Issue.record("a frame came before the video configuration")
            return
        }
        let decoded = try EncodedTestVideo.decode(sink.videoPackets.map(\.data), configuration: configuration)
        #expect(decoded.pictures == expected["video"])
        // Raw AAC (ADTS headers stripped) with a 44.1 kHz stereo-or-mono configuration, timestamps rising.
        #expect(sink.audioPackets.allSatisfy { !AACConfiguration.isADTS($0.data) })
        let audioTimes = sink.audioPackets.map(\.dts)
        #expect(zip(audioTimes, audioTimes.dropFirst()).allSatisfy { $0 < $1 })
        #expect(sink.bytes > 0)
    }

    @Test func anMP4FileIsReadFromItsAvcCRecord() throws {
        let directory = try MediaTool.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("input.mp4").path
        try MediaTool.encode(path)
        let expected = try MediaTool.packetCounts(path)
        let sink = CollectingSink()
        try MediaInputs.open(path).run(stop: StopSignal(), sink: sink)
        #expect(sink.videoPackets.count == expected["video"])
        #expect(sink.audioPackets.count == expected["audio"])
        #expect(sink.videoConfigurations.map(\.summary) == ["h264 320x240"])
    }

    @Test func anHEVCFLVFileIsReadWithOurOwnDemuxer() throws {
        let directory = try MediaTool.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let video = try EncodedTestVideo(width: 320, height: 184, count: 30)
        let bytes = try FLVDemuxerTests.flv(video, form: .enhanced)
        // Named .bin: the FLV signature decides.
        let path = directory.appendingPathComponent("dump.bin").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let input = try MediaInputs.open("file://" + path)
        #expect(input is FLVFileInput)
        let sink = CollectingSink()
        try input.run(stop: StopSignal(), sink: sink)
        #expect(sink.videoPackets.count == 30)
        #expect(sink.videoConfigurations.map(\.summary) == ["hevc 320x184"])
        #expect(sink.bytes == bytes.count)

        // Cut inside the last frame (the end-of-sequence tag is 20 bytes): everything before the cut arrives, then a clear error.
        try Data(bytes.dropLast(30)).write(to: URL(fileURLWithPath: path))
        let truncated = CollectingSink()
        #expect(throws: LiveMediaError.self) { try FLVFileInput(path: path).run(stop: StopSignal(), sink: truncated) }
        #expect(truncated.videoPackets.count == 29)
    }

    @Test func locationsPickTheirInput() throws {
        #expect(try MediaInputs.open("https://cdn.example/live/stream-1/playlist.m3u8?expire=1&sign=abc") is HLSInput)
        #expect(try MediaInputs.open("HTTP://cdn.example/x/INDEX.M3U8") is HLSInput)
        let flv = try MediaInputs.open("https://pull-flv.example/game/stream-1_hd5.flv?expire=1&sign=secret")
        #expect(flv is HTTPFLVInput)
        #expect(!flv.description.contains("secret"))
        #expect(try MediaInputs.open("http://127.0.0.1:8080/live?m3u8=no") is HTTPFLVInput)
        do {
            _ = try MediaInputs.open("/nonexistent/recording.ts")
            Issue.record("a missing file was accepted")
        } catch {
            #expect(error.description.contains("/nonexistent/recording.ts"))
        }
        #expect(throws: LiveMediaError.self) { try MediaInputs.open("rtmp://example/live") }
    }

    @Test func garbageFilesFailWithAClearError() throws {
        let directory = try MediaTool.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("garbage.ts").path
        var generator = SystemRandomNumberGenerator()
        try Data((0..<100_000).map { _ in UInt8.random(in: 0...255, using: &generator) }).write(to: URL(fileURLWithPath: path))
        do {
            try MediaInputs.open(path).run(stop: StopSignal(), sink: CollectingSink())
            Issue.record("garbage was accepted")
        } catch let error as LiveMediaError {
            #expect(error.description.contains(path))
        }
    }

    @Test func stopEndsAFileInputEarly() throws {
        let directory = try MediaTool.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("input.ts").path
        try MediaTool.encode(path, seconds: 4)
        let stop = StopSignal()
        let sink = CollectingSink()
        sink.onEvent = { _ in if sink.videoPackets.count == 10 { stop.stop() } }
        try LibAVDemuxInput(path: path).run(stop: stop, sink: sink)
        #expect(sink.videoPackets.count == 10)
    }

    @Test func aResolutionChangeInsideATSFileAnnouncesANewConfiguration() throws {
        let directory = try MediaTool.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let first = directory.appendingPathComponent("a.ts").path
        let second = directory.appendingPathComponent("b.ts").path
        try MediaTool.encode(first, video: "libx265", seconds: 1, size: "320x240")
        try MediaTool.encode(second, video: "libx265", seconds: 1, size: "640x360")
        let joined = directory.appendingPathComponent("joined.ts").path
        try Data(try Data(contentsOf: URL(fileURLWithPath: first)) + Data(contentsOf: URL(fileURLWithPath: second)))
            .write(to: URL(fileURLWithPath: joined))
        let expected = try MediaTool.packetCounts(first)["video", default: 0] + MediaTool.packetCounts(second)["video", default: 0]
        let sink = CollectingSink()
        try LibAVDemuxInput(path: joined).run(stop: StopSignal(), sink: sink)
        #expect(sink.videoConfigurations.map(\.summary) == ["hevc 320x240", "hevc 640x360"])
        #expect(sink.videoPackets.count == expected)
        // The new configuration arrives right before the first frame that needs it, a keyframe.
        let change = try #require(sink.events.lastIndex { if case .videoConfiguration = $0 { true } else { false } })
        let next = sink.events[(change + 1)...].first { if case .packet(let p) = $0 { p.track == .video } else { false } }
        guard case .packet(let keyframe)? = next else {
            Issue.record("no frame after the change")
            return
        }
        #expect(keyframe.isKeyframe)
    }
}
