import CurlTransport
import Foundation
import LiveMedia
import Testing
import TikTokSimulator

/// LiveMedia against the simulator's CDN as users meet it: HEVC in both FLV forms, resolution changes mid-live, a
/// stalled CDN, and a recording process killed with SIGKILL. ffprobe/ffmpeg are the outside witnesses.
@Suite(.serialized) struct RecordingRobustnessTests {
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("robust-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Records `url` for `seconds` in-process and returns the summary.
    static func record(
        _ url: String, to path: String, seconds: Double, stallTimeout: Duration = .seconds(15),
        reconnectWindow: Duration = .seconds(30)
    ) async throws -> RecordingSummary {
        let stop = StopSignal()
        return try await withThrowingTaskGroup(of: RecordingSummary?.self) { group in
            group.addTask {
                try await LiveStreamRecorder().record(
                    .init(source: url, outputPath: path, stallTimeout: stallTimeout, reconnectWindow: reconnectWindow), stop: stop
                )
            }
            group.addTask {
                try await Task.sleep(for: .seconds(seconds))
                stop.stop()
                return nil
            }
            var summary: RecordingSummary?
            for try await result in group { summary = summary ?? result }
            return try #require(summary)
        }
    }

    /// ffprobe's `codec_name,codec_tag_string,width,height,nb_read_frames` of the video stream, and the file's duration.
    static func probe(_ path: String) async throws -> (video: String, duration: Double) {
        let ffprobe = try ExternalTools.ffmpegTool("ffprobe")
        let video = try await ExternalTools.run(
            ffprobe,
            [
                "-v", "error", "-select_streams", "v:0", "-count_frames", "-show_entries",
                "stream=codec_name,codec_tag_string,width,height,nb_read_frames", "-of", "csv=p=0", path,
            ]
        ).trimmingCharacters(in: .whitespacesAndNewlines)
        let duration = try await ExternalTools.run(ffprobe, ["-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", path])
        return (video, Double(duration.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1)
    }

    /// ffmpeg decodes every frame with `-xerror` (exit status non-zero on the first decode error).
    static func decodesCleanly(_ path: String) async throws {
        _ = try await ExternalTools.run(try ExternalTools.ffmpegTool("ffmpeg"), ["-v", "error", "-xerror", "-i", path, "-f", "null", "-"])
    }

    @Test(arguments: [FLVTagWriter.HEVCForm.codecID12, .enhanced])
    func hevcInEitherFLVFormRecordsToAnHvc1MP4WithEveryFrame(form: FLVTagWriter.HEVCForm) async throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let creator = SimulatorMediaTests.creator(video: .init(codec: .hevc, hevcForm: form))
        // The encode-once loop: what is under test is the recording of each FLV form, not x265's real-time speed.
        try await SimulatorMediaTests.withLive(SimulatorScenario(creators: [creator], encoder: .loop)) { _, urls in
            let path = directory.appendingPathComponent("hevc.mp4").path
            let summary = try await Self.record(try #require(urls["origin"]), to: path, seconds: 4)
            #expect(summary.video?.codec == .hevc)
            #expect(summary.statistics.segments.count == 1)
            #expect(summary.videoFrames >= 45, "seconds of frames (\(summary.videoFrames))")
            let probed = try await Self.probe(path)
            #expect(probed.video == "hevc,hvc1,640,360,\(summary.videoFrames)")
            try await Self.decodesCleanly(path)
        }
    }

    @Test(arguments: [ScenarioStep.ResolutionChange.Announcement.sequenceHeader, .inBandOnly])
    func aResolutionChangeGivesSegmentsThatEachDecodeCleanlyAtTheirOwnSize(
        announce: ScenarioStep.ResolutionChange.Announcement
    ) async throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let timeline = [
            ScenarioStep(at: .zero, .live),
            ScenarioStep(at: .seconds(3), .resolution(.init(width: 360, height: 640, announce: announce))),
            ScenarioStep(at: .seconds(60), .end(action: 3)),
        ]
        let scenario = SimulatorScenario(creators: [SimulatorMediaTests.creator(timeline: timeline)], encoder: .loop)
        try await SimulatorMediaTests.withLive(scenario) { _, urls in
            let path = directory.appendingPathComponent("pk.mp4").path
            let summary = try await Self.record(try #require(urls["origin"]), to: path, seconds: 6)
            let segments = summary.statistics.segments
            #expect(segments.map(\.reason) == [.start, .parameterChange])
            #expect(summary.statistics.repairs.parameterChanges == 1)
            #expect(summary.statistics.repairs.inBandParameterChanges == (announce == .inBandOnly ? 1 : 0))
            guard segments.count == 2 else { return }
            let first = try await Self.probe(segments[0].path)
            let second = try await Self.probe(segments[1].path)
            #expect(first.video.hasPrefix("h264,avc1,640,360,"))
            #expect(second.video.hasPrefix("h264,avc1,360,640,"))
            let frames = [first.video, second.video].compactMap { $0.split(separator: ",").last.flatMap { Int($0) } }
            #expect(frames.reduce(0, +) == summary.videoFrames, "every frame is in one of the files")
            for segment in segments { try await Self.decodesCleanly(segment.path) }
            #expect(
                abs(segments[1].startTime - (segments[0].startTime + first.duration)) < 0.1, "the second file goes on where the first ends")
        }
    }

    @Test func aStalledCDNTripsTheWatchdogAndTheReconnectIsSplicedIntoTheSameFile() async throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try await CDNFaultTests.withLiveStream { simulator, url in
            simulator.cdnFaults.stallNextViewers(1, forSeconds: 20, afterSeconds: 1)
            let path = directory.appendingPathComponent("stall.mp4").path
            let summary = try await Self.record(url, to: path, seconds: 7, stallTimeout: .seconds(2))
            #expect(summary.endReason == .stopped)
            let splice = try #require(summary.statistics.splices.first, "the stall was spliced")
            #expect(splice.reason.contains("no data"), "reason: \(splice.reason)")
            // About 3 s went by (1 s of media, then the 2 s watchdog); the reconnect starts at the current GOP's keyframe,
            // up to 2 s back, so what is lost is between a few tenths and 3 s.
            #expect(
                summary.statistics.lostSeconds > 0.1 && summary.statistics.lostSeconds < 3.5, "lost \(summary.statistics.lostSeconds) s")
            #expect(simulator.groundTruth.servedStreams.count == 2, "one reconnect")
            #expect(summary.statistics.segments.count == 1)
            try await Self.decodesCleanly(path)
            let probed = try await Self.probe(path)
            #expect(probed.duration > 3, "media from after the reconnect is in the file (\(probed.duration) s)")
        }
    }

    @Test func withoutAReconnectWindowAStalledCDNEndsTheRecordingWithTheStallAndAPlayableFile() async throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try await CDNFaultTests.withLiveStream { simulator, url in
            simulator.cdnFaults.stallNextViewers(1, forSeconds: 20, afterSeconds: 2.5)
            let path = directory.appendingPathComponent("stall.mp4").path
            let started = Date()
            let summary = try await LiveStreamRecorder().record(
                .init(source: url, outputPath: path, stallTimeout: .seconds(2), reconnectWindow: .zero)
            )
            #expect(Date().timeIntervalSince(started) < 10, "the watchdog fired instead of waiting out the stall")
            guard case .failed(let reason) = summary.endReason else {
                Issue.record("ended \(summary.endReason)")
                return
            }
            #expect(reason.contains("no data"))
            try await Self.decodesCleanly(path)
        }
    }

    /// SIGKILL at a random moment while `tiktok-recorder remux` records a live: every try must leave a file ffprobe
    /// reads, that decodes cleanly, and whose duration is within one fragment of what was sent.
    @Test func killDashNineAtRandomMomentsAlwaysLeavesAPlayableFile() async throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let recorder = try ExternalTools.builtProduct("tiktok-recorder")
        let scenario = SimulatorScenario(creators: [SimulatorMediaTests.creator()], encoder: .loop)
        try await SimulatorMediaTests.withLive(scenario) { simulator, urls in
            let url = try #require(urls["origin"])
            var generator = SystemRandomNumberGenerator()
            let tries = 20
            let batch = 5
            var results: [(served: Double, probed: Double, killedAt: Double)] = []
            for batchStart in stride(from: 0, to: tries, by: batch) {
                var running: [(process: Process, path: String, stream: Int, killAt: Double, started: Date)] = []
                for index in batchStart..<(batchStart + batch) {
                    let streamsBefore = simulator.groundTruth.servedStreams.count
                    let path = directory.appendingPathComponent("kill-\(index).mp4").path
                    let process = Process()
                    process.executableURL = URL(fileURLWithPath: recorder)
                    process.arguments = ["remux", url, path]
                    process.standardOutput = FileHandle.nullDevice
                    process.standardError = FileHandle.nullDevice
                    try process.run()
                    // Each recorder is the next viewer: wait for its stream so ground truth maps to it.
                    for _ in 0..<100 where simulator.groundTruth.servedStreams.count == streamsBefore {
                        try await Task.sleep(for: .milliseconds(50))
                    }
                    let killAt = Double.random(in: 3.0...7.0, using: &generator)
                    running.append((process, path, streamsBefore, killAt, Date()))
                }
                for item in running.sorted(by: { $0.started.addingTimeInterval($0.killAt) < $1.started.addingTimeInterval($1.killAt) }) {
                    let wait = item.started.addingTimeInterval(item.killAt).timeIntervalSinceNow
                    if wait > 0 { try await Task.sleep(for: .seconds(wait)) }
                    kill(item.process.processIdentifier, SIGKILL)
                    item.process.waitUntilExit()
                    let stream = simulator.groundTruth.servedStreams[item.stream]
                    let served = Double((stream.lastTimestamp ?? 0) - (stream.firstTimestamp ?? 0)) / 1000
                    #expect(item.process.terminationReason == .uncaughtSignal)
                    let probed = try await Self.probe(item.path)
                    try await Self.decodesCleanly(item.path)
                    results.append((served, probed.duration, item.killAt))
                }
            }
            #expect(results.count == tries)
            for result in results {
                // Fragments close at keyframes (every 2 s) once 1 s long: the unfinished one is lost, and up to about a
                // second of what was sent can still sit in the kernel's socket buffers at the kill.
                #expect(result.probed > 0, "killed at \(result.killedAt) s: no playable media")
                #expect(result.probed <= result.served + 0.1, "file \(result.probed) s, sent \(result.served) s")
                #expect(result.probed >= result.served - 3.5, "file \(result.probed) s, sent \(result.served) s")
            }
            let worst = results.map { $0.served - $0.probed }.max() ?? 0
            print("kill -9: \(results.count) tries, every file playable, worst loss \(String(format: "%.2f", worst)) s of media")
        }
    }
}
