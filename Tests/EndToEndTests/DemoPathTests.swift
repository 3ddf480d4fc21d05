import ChatTimeline
import CurlTransport
import Foundation
import LiveMedia
import Logging
import Testing
import TikTokLive
import TikTokRecorder
import TikTokSimulator

/// The whole product path against the simulator: detect the live through the web API, record the FLV to MP4,
/// take the chat from the WebSocket, and write the synced sidecars; then check every output against the
/// simulator's ground truth, with libavformat and with ffprobe as an outside witness.
@Suite(.serialized) struct DemoPathTests {
    static let quiet = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    struct Run {
        let summary: SessionSummary
        let truth: GroundTruth
    }

    /// Runs the simulator with a live of `seconds` and records it.
    static func recordSimulatedLive(seconds: Int) async throws -> Run {
        let simulator = TikTokSimulator(
            scenario: .builtIn(liveAfter: .milliseconds(700), liveDuration: .seconds(seconds)), logger: Self.quiet
        )
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("e2e-\(UUID().uuidString)").path
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let summary = try await withThrowingTaskGroup(of: SessionSummary?.self) { group in
            group.addTask {
                try await simulator.run(port: 0) { portContinuation.yield($0) }
                return nil
            }
            var iterator = ports.makeAsyncIterator()
            let port = try #require(await iterator.next())
            let recorder = CreatorRecorder(
                configuration: .init(
                    tiktok: .simulator(baseURL: "http://127.0.0.1:\(port)"), outputDirectory: output,
                    pollInterval: .milliseconds(200)
                ),
                logger: Self.quiet
            )
            group.addTask { try await recorder.recordNextLive(username: "sim_creator") }
            while let result = try await group.next() {
                if let summary = result {
                    group.cancelAll()
                    return summary
                }
            }
            throw CancellationError()
        }
        return Run(summary: summary, truth: simulator.groundTruth)
    }

    @Test func recordsASimulatedLiveToAPlayableMP4WithEveryChatMessageInSync() async throws {
        let run = try await Self.recordSimulatedLive(seconds: 10)
        let summary = run.summary
        let served = try #require(run.truth.servedStreams.first)
        let servedFirst = try #require(served.firstTimestamp)
        let servedLast = try #require(served.lastTimestamp)
        let streamedSeconds = Double(servedLast - servedFirst) / 1000
        #expect(summary.sawStreamEnd)

        // The MP4, read back with libavformat and fully decoded with libavcodec.
        let path = summary.media.path
        let inspection = try await runOnDedicatedThread(name: "inspect") { try MediaFileInspector.inspect(path: path) }
        #expect(inspection.streams.map(\.mediaType).sorted() == ["audio", "subtitle", "video"])
        #expect(inspection.streams.map(\.codecName).sorted() == ["aac", "h264", "mov_text"])
        #expect(inspection.decodeErrors == 0)
        #expect(abs(inspection.duration - streamedSeconds) <= 1, "file \(inspection.duration) s, streamed \(streamedSeconds) s")
        #expect(inspection.streams.first { $0.mediaType == "video" }?.decodedFrames == summary.media.videoFrames)

        // The same file through ffprobe, an independent reader.
        let probe = try await ExternalTools.run(
            try ExternalTools.ffmpegTool("ffprobe"),
            ["-v", "error", "-show_entries", "stream=codec_name,codec_type:format=duration", "-of", "json", summary.media.path]
        )
        let probed = try #require(try JSONSerialization.jsonObject(with: Data(probe.utf8)) as? [String: Any])
        let probedStreams = try #require(probed["streams"] as? [[String: Any]])
        #expect(probedStreams.compactMap { $0["codec_name"] as? String }.sorted() == ["aac", "h264", "mov_text"])
        let probedDurationText = (probed["format"] as? [String: Any])?["duration"] as? String
        let probedDuration = try #require(probedDurationText.flatMap(Double.init))
        #expect(abs(probedDuration - streamedSeconds) <= 1)
        // ffmpeg decoding every frame with -xerror exits non-zero on the first decode error.
        _ = try await ExternalTools.run(
            try ExternalTools.ffmpegTool("ffmpeg"), ["-v", "error", "-xerror", "-i", summary.media.path, "-f", "null", "-"]
        )

        // Every chat message the simulator pushed is in the JSON Lines exactly once, in order, inside the video,
        // at the media time that was on air when it was said.
        let lines = try String(contentsOfFile: summary.chatPath, encoding: .utf8).split(separator: "\n")
        let records = try lines.map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        let chats = records.filter { $0["type"] as? String == "chat" }
        let pushedChats = run.truth.pushedEvents.filter { $0.type == "chat" }
        #expect(pushedChats.count >= 10)
        #expect(chats.compactMap { $0["msgId"] as? String } == pushedChats.map { String($0.msgID) })
        #expect(chats.compactMap { $0["comment"] as? String } == pushedChats.compactMap(\.comment))
        var worstSyncError = 0.0
        for (record, truth) in zip(chats, pushedChats) {
            let videoTime = try #require((record["videoTime"] as? NSNumber)?.doubleValue)
            #expect(videoTime >= 0 && videoTime <= inspection.duration, "chat at \(videoTime) s is outside the video")
            let expected = truth.mediaTime - Double(servedFirst) / 1000
            worstSyncError = max(worstSyncError, abs(videoTime - expected))
            #expect(abs(videoTime - expected) < 0.25, "chat \(truth.msgID) at \(videoTime) s, on air at \(expected) s")
            #expect((record["createTime"] as? NSNumber)?.int64Value == truth.createTime)
        }
        print("end-to-end: \(pushedChats.count) chat messages, worst chat-to-video sync error \(Int(worstSyncError * 1000)) ms")
        #expect(records.contains { $0["type"] as? String == "control" && ($0["action"] as? NSNumber)?.intValue == 3 })
        #expect(run.truth.acksReceived > 0, "the client never acked a need_ack frame")

        // The WebVTT: our structural read and ffmpeg's WebVTT demuxer agree on one cue per chat message, follow and
        // share (counted gifts get cues too, but the built-in live sends none).
        let vtt = try String(contentsOfFile: summary.subtitlesPath, encoding: .utf8)
        let cues = try WebVTTReader.cues(vtt)
        let cued = run.truth.pushedEvents.filter { ["chat", "follow", "share"].contains($0.type) }
        #expect(cues.count == cued.count)
        #expect(cues.allSatisfy { $0.start <= $0.end && $0.end <= inspection.duration + 5 })
        let packets = try await ExternalTools.run(
            try ExternalTools.ffmpegTool("ffprobe"),
            ["-v", "error", "-f", "webvtt", "-show_entries", "packet=pts_time", "-of", "csv=p=0", summary.subtitlesPath]
        )
        #expect(packets.split(separator: "\n").count == cues.count)

        // The MP4's own timed-text track carries the same cues: overlapping ones share a sample, so each WebVTT cue's
        // text is on screen in the MP4 from its start (to the ms) for as long as it lasts inside the video.
        let embedded = inspection.cues
        #expect(!embedded.isEmpty)
        for cue in cues where cue.start < inspection.duration - 0.1 {
            let text = cue.text.replacing("&lt;", with: "<").replacing("&gt;", with: ">").replacing("&amp;", with: "&")
            let showing = embedded.first { abs($0.start - cue.start) < 0.002 }
            #expect(
                showing?.text.contains(text) == true,
                "cue at \(cue.start) s (\(text)) is not in the MP4 track, whose samples start at \(embedded.map(\.start))")
        }
    }

}

/// The command-line tools as a user runs them: `tiktok-sim` in one process, `tiktok-recorder` in another.
@Suite struct CommandLineTests {
    @Test func tiktokSimPrintsItsAddressFirstAndServesTheWebAPI() async throws {
        let simulator = try SimulatorProcess(arguments: ["--live-after", "0", "--duration", "30"])
        defer { simulator.stop() }
        #expect(simulator.firstLine.wholeMatch(of: /listening on http:\/\/127\.0\.0\.1:\d+\n/) != nil)
        let client = TikTokLiveClient(configuration: .simulator(baseURL: try simulator.baseURL()), logger: DemoPathTests.quiet)
        let user = try await client.userInfo(username: "sim_creator")
        #expect(user.uniqueID == "sim_creator")
        await #expect(throws: TikTokLiveError.userNotFound(username: "nobody_here")) {
            try await client.userInfo(username: "nobody_here")
        }
    }

    @Test func recordCommandRecordsALiveFromARunningSimulatorAndExitsZero() async throws {
        let simulator = try SimulatorProcess(arguments: ["--live-after", "0.5", "--duration", "4"])
        defer { simulator.stop() }
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("cli-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: output) }

        let printed = try await ExternalTools.run(
            try ExternalTools.builtProduct("tiktok-recorder"),
            [
                "record", "@sim_creator", "--base-url", try simulator.baseURL(), "--poll-interval", "0.2", "--output", output.path,
                "--log-level", "error",
            ]
        )
        #expect(printed.contains("recorded @sim_creator"))
        let files = try FileManager.default.contentsOfDirectory(atPath: output.path)
        #expect(files.filter { $0.hasSuffix(".mp4") }.count == 1)
        #expect(files.filter { $0.hasSuffix(".chat.jsonl") }.count == 1)
        #expect(files.filter { $0.hasSuffix(".vtt") }.count == 1)
    }
}

/// A strict reader for the WebVTT we write: header, then blocks of id, `start --> end`, text.
enum WebVTTReader {
    struct Cue {
        var start: Double
        var end: Double
        var text: String
    }

    struct Malformed: Error, CustomStringConvertible {
        let description: String
    }

    static func cues(_ text: String) throws -> [Cue] {
        guard text.hasPrefix("WEBVTT\n\n") else { throw Malformed(description: "missing WEBVTT header") }
        var cues: [Cue] = []
        for block in text.dropFirst(8).components(separatedBy: "\n\n") where !block.isEmpty {
            let lines = block.split(separator: "\n", omittingEmptySubsequences: false)
            guard lines.count == 3 else { throw Malformed(description: "cue block with \(lines.count) lines: \(block)") }
            let times = lines[1].components(separatedBy: " --> ")
            guard times.count == 2, let start = seconds(times[0]), let end = seconds(times[1]) else {
                throw Malformed(description: "bad cue timing: \(lines[1])")
            }
            if let previous = cues.last, start < previous.start { throw Malformed(description: "cues out of order at \(lines[1])") }
            cues.append(Cue(start: start, end: end, text: String(lines[2])))
        }
        return cues
    }

    static func seconds(_ text: String) -> Double? {
        let parts = text.split(separator: ":")
        guard parts.count == 3, let hours = Double(parts[0]), let minutes = Double(parts[1]), let seconds = Double(parts[2]) else {
            return nil
        }
        return hours * 3600 + minutes * 60 + seconds
    }
}
