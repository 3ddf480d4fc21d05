import Foundation
import Testing

@testable import LiveMedia

/// The MP4 segment writer, checked with our inspector and with Debian's ffprobe/ffmpeg as outside witnesses:
/// every frame comes back, HEVC tags, timed text with exact times, crash safety, sync policy, full disk.
@Suite struct MP4WriterTests {
    /// What a test handed to a writer.
    struct Written {
        var videoFrames = 0
        var audioFrames = 0
        /// End of the last video frame, ms.
        var videoEnd: Int64 = 0
    }

    /// Encodes `frames` video frames at 25 fps (a keyframe every 2 s) with the audio alongside and writes them;
    /// `beforeVideo` sees each video frame's time (ms) first.
    static func write(
        _ encoder: TestPatternEncoder, frames: Int, to writer: MP4SegmentWriter, beforeVideo: (Int64) -> Void = { _ in }
    ) throws -> Written {
        var written = Written()
        let frameDuration = Int64(1000 / encoder.framesPerSecond)
        for _ in 0..<frames {
            for packet in try encoder.encodeNextFrame() where packet.dts >= 0 {
                if packet.track == .video {
                    beforeVideo(packet.dts)
                    try writer.write(packet, duration: frameDuration)
                    written.videoFrames += 1
                    written.videoEnd = packet.pts + frameDuration
                } else {
                    try writer.write(packet, duration: 1024 * 1000 / 44100)
                    written.audioFrames += 1
                }
            }
        }
        return written
    }

    /// Writes 100 frames of the test pattern with a cue at 1.176–2 s, the encoder's audio from 0 and its video moved
    /// `lead` ms later: the file starts with audio alone.
    static func writeFileWhoseAudioLeads(path: String, by lead: Int64) throws {
        let encoder = try Self.encoder()
        let writer = try MP4SegmentWriter(
            path: path, video: encoder.videoConfiguration,
            audio: AACConfiguration(audioSpecificConfig: encoder.audioSpecificConfig),
            options: MP4OutputOptions(subtitleTrack: true), videoStart: lead)
        writer.addCue(TimedTextCue(start: 1.176, end: 2, text: "on time"))
        for _ in 0..<100 {
            for var packet in try encoder.encodeNextFrame() where packet.dts >= 0 {
                if packet.track == .video {
                    packet.dts += lead
                    packet.pts += lead
                    try writer.write(packet, duration: 40)
                } else {
                    try writer.write(packet, duration: 1024 * 1000 / 44100)
                }
            }
        }
        try writer.finish()
    }

    static func encoder(_ codec: VideoConfiguration.Codec = .h264) throws -> TestPatternEncoder {
        try TestPatternEncoder(codec: codec, width: 320, height: 180, framesPerSecond: 25, videoBitrate: 300_000)
    }

    static func writer(
        _ path: String, _ encoder: TestPatternEncoder, options: MP4OutputOptions = .default
    ) throws -> MP4SegmentWriter {
        try MP4SegmentWriter(
            path: path, video: encoder.videoConfiguration,
            audio: AACConfiguration(audioSpecificConfig: encoder.audioSpecificConfig), options: options)
    }

    @Test func h264AndAACComeBackFrameForFrameWithDurationAndSeeking() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("h264.mp4")
        let encoder = try Self.encoder()
        let writer = try Self.writer(path, encoder)
        let written = try Self.write(encoder, frames: 125, to: writer)
        try writer.finish()
        try writer.finish()  // idempotent

        let inspection = try MediaFileInspector.inspect(path: path)
        #expect(inspection.decodeErrors == 0)
        #expect(inspection.streams.map(\.codecName) == ["h264", "aac"])
        #expect(inspection.streams.map(\.codecTag) == ["avc1", "mp4a"])
        #expect(inspection.streams.map(\.packetCount) == [written.videoFrames, written.audioFrames])
        #expect(inspection.streams[0].decodedFrames == written.videoFrames)
        // Keyframes at 0, 2 and 4 s: three fragments, the last one written by finish().
        #expect(writer.fragmentsWritten == 3)
        #expect(writer.bytesWritten == (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int64))

        let duration = try Witness.formatDuration(path)
        #expect(abs(duration - 5.0) < 0.1, "ffprobe duration \(duration)")
        // Seeking to 3.1 s starts at the keyframe before it (2 s), found through the fragment index.
        let seek = try Witness.run(
            "ffprobe",
            [
                "-v", "error", "-read_intervals", "3.1%+0.1", "-select_streams", "v", "-show_entries", "packet=pts_time",
                "-of", "csv=p=0", path,
            ])
        #expect(seek.split(separator: "\n").first.flatMap { Double($0) } == 2.0, "first packet after seeking: \(seek)")
    }

    @Test func hevcIsTaggedHvc1ByDefaultAndHev1ForInBandParameterSets() throws {
        let directory = try TemporaryDirectory()
        for inBand in [false, true] {
            let path = directory.file("hevc-\(inBand).mp4")
            let encoder = try Self.encoder(.hevc)
            #expect(encoder.videoConfiguration.codec == .hevc)
            let writer = try Self.writer(path, encoder, options: MP4OutputOptions(inBandParameterSets: inBand))
            let written = try Self.write(encoder, frames: 60, to: writer)
            try writer.finish()

            let inspection = try MediaFileInspector.inspect(path: path)
            #expect(inspection.decodeErrors == 0)
            #expect(inspection.streams.map(\.codecName) == ["hevc", "aac"])
            #expect(inspection.streams[0].decodedFrames == written.videoFrames)
            #expect(inspection.streams[0].codecTag == (inBand ? "hev1" : "hvc1"))
            let tag = try Witness.run(
                "ffprobe", ["-v", "error", "-select_streams", "v", "-show_entries", "stream=codec_tag_string", "-of", "csv=p=0", path])
            #expect(tag.trimmingCharacters(in: .whitespacesAndNewlines) == (inBand ? "hev1" : "hvc1"))
            #expect(try Witness.decodesCleanly(path))
        }
    }

    @Test func hvcCArraysAreMarkedCompleteOnlyForHvc1() throws {
        let encoder = try Self.encoder(.hevc)
        let record = encoder.videoConfiguration.decoderConfigurationRecord
        func completeness(_ record: [UInt8]) -> [Bool] {
            var flags: [Bool] = []
            var offset = 23
            for _ in 0..<Int(record[22]) {
                flags.append(record[offset] & 0x80 != 0)
                let count = Int(record[offset + 1]) << 8 | Int(record[offset + 2])
                offset += 3
                for _ in 0..<count { offset += 2 + (Int(record[offset]) << 8 | Int(record[offset + 1])) }
            }
            return flags
        }
        #expect(completeness(MP4SegmentWriter.hvcC(record, arraysComplete: true)) == [true, true, true])
        #expect(completeness(MP4SegmentWriter.hvcC(record, arraysComplete: false)) == [false, false, false])
        #expect(MP4SegmentWriter.hvcC([1, 2, 3], arraysComplete: true) == [1, 2, 3])
    }

    @Test func overlappingAndGappedCuesComeBackWithExactTimesFromAFragmentedFile() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("cues.mp4")
        let encoder = try Self.encoder()
        let writer = try Self.writer(path, encoder, options: MP4OutputOptions(subtitleTrack: true))
        // (arrives when the video reaches, cue): roughly in start order, one late, one running past the end.
        var arrivals: [(at: Int64, cue: TimedTextCue)] = [
            (0, TimedTextCue(start: 0.5, end: 2.5, text: "one")),
            (1_400, TimedTextCue(start: 1.0, end: 1.8, text: "two, late")),
            (3_000, TimedTextCue(start: 3.2, end: 4.0, text: "three")),
            (6_000, TimedTextCue(start: 6.123, end: 7.456, text: "four ✓")),
            (8_000, TimedTextCue(start: 8.5, end: 12, text: "five")),
        ]
        _ = try Self.write(encoder, frames: 250, to: writer) { time in
            while let next = arrivals.first, next.at <= time {
                writer.addCue(next.cue)
                arrivals.removeFirst()
            }
        }
        try writer.finish()
        let expected = [
            TimedTextCue(start: 0.5, end: 1.0, text: "one"),
            TimedTextCue(start: 1.0, end: 1.8, text: "one\ntwo, late"),
            TimedTextCue(start: 1.8, end: 2.5, text: "one"),
            TimedTextCue(start: 3.2, end: 4.0, text: "three"),
            TimedTextCue(start: 6.123, end: 7.456, text: "four ✓"),
            TimedTextCue(start: 8.5, end: 10.0, text: "five"),  // clipped to the end of the video
        ]

        let inspection = try MediaFileInspector.inspect(path: path)
        #expect(inspection.decodeErrors == 0)
        #expect(inspection.streams.map(\.codecTag) == ["avc1", "mp4a", "tx3g"])
        #expect(inspection.streams[0].decodedFrames == 250)
        Self.expectCues(inspection.cues, expected, "inspector")

        // The samples are contiguous, so each cue's start is the sum of the stored durations before it: exact
        // starts mean exact stored durations; the track's own length checks the last one.
        let subtitleDuration = try Witness.run(
            "ffprobe", ["-v", "error", "-select_streams", "s", "-show_entries", "stream=duration", "-of", "csv=p=0", path])
        #expect(Double(subtitleDuration.trimmingCharacters(in: .whitespacesAndNewlines)) == 10.0, "\(subtitleDuration)")

        // ffmpeg's own conversion: the same texts and starts. FFmpeg 5.1's MP4 demuxer gives samples in fragments
        // no duration (it reads a composition offset for each and then leaves the duration unset), so its SRT cues
        // end where they start; newer FFmpeg reads the stored durations, which must then be exact too.
        let srtPath = directory.file("cues.srt")
        _ = try Witness.run("ffmpeg", ["-v", "error", "-y", "-i", path, "-map", "0:s", srtPath])
        let srt = try Witness.srtCues(srtPath)
        #expect(srt.map(\.text) == expected.map(\.text))
        for (got, want) in zip(srt, expected) {
            #expect(abs(got.start - want.start) <= 0.001, "ffmpeg → srt: \(got) ≠ \(want)")
            if got.end > got.start { #expect(abs(got.end - want.end) <= 0.001, "ffmpeg → srt: \(got) ≠ \(want)") }
        }
    }

    @Test func audioThatLeadsTheVideoKeepsItsPlaceAndTheVideoAndCuesKeepTheirs() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("leading-audio.mp4")
        let lead: Int64 = 160
        try Self.writeFileWhoseAudioLeads(path: path, by: lead)

        // ffprobe: the picture starts 160 ms in, every audio frame keeps its 23 ms, the cue is where it was put.
        // (Without the delayed moov, libavformat 5.1 moved the video to 0 and squeezed the first 7 audio frames into
        // one tick each, and the cue came out 160 ms early.)
        let packets = try Witness.run(
            "ffprobe", ["-v", "error", "-show_entries", "packet=stream_index,pts_time", "-of", "csv=p=0", path])
        func times(_ stream: String) -> [Double] {
            packets.split(separator: "\n").compactMap { line in
                let fields = line.split(separator: ",")
                return fields.count == 2 && fields[0] == stream ? Double(fields[1]) : nil
            }
        }
        let video = times("0")
        let audio = times("1")
        #expect(video.first.map { abs($0 - 0.160) < 0.001 } == true, "first picture at \(video.first ?? -1) s")
        let audioSteps = zip(audio.dropFirst(), audio).prefix(20).map { $0 - $1 }
        #expect(audio.first == 0 && audioSteps.allSatisfy { abs($0 - 0.0232) < 0.002 }, "audio steps \(audioSteps)")
        let inspection = try MediaFileInspector.inspect(path: path)
        #expect(inspection.decodeErrors == 0)
        Self.expectCues(inspection.cues, [TimedTextCue(start: 1.176, end: 2, text: "on time")], "inspector")
    }

    static func expectCues(_ actual: [TimedTextCue], _ expected: [TimedTextCue], _ witness: String) {
        #expect(actual.map(\.text) == expected.map(\.text), "\(witness)")
        for (got, want) in zip(actual, expected) {
            #expect(abs(got.start - want.start) <= 0.001 && abs(got.end - want.end) <= 0.001, "\(witness): \(got) ≠ \(want)")
        }
    }

    @Test func anAudioOnlyFileIsCutIntoFragmentsByDurationWithItsTimedText() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("audio.mp4")
        let encoder = try Self.encoder()
        let writer = try MP4SegmentWriter(
            path: path, video: nil, audio: AACConfiguration(audioSpecificConfig: encoder.audioSpecificConfig),
            options: MP4OutputOptions(subtitleTrack: true))
        writer.addCue(TimedTextCue(start: 1, end: 2, text: "sound only"))
        var audioFrames = 0
        for _ in 0..<125 {
            for packet in try encoder.encodeNextFrame() where packet.track == .audio && packet.dts >= 0 {
                try writer.write(packet, duration: 1024 * 1000 / 44100)
                audioFrames += 1
            }
        }
        try writer.finish()
        #expect(writer.fragmentsWritten >= 4, "1 s fragments over 5 s of audio")
        let inspection = try MediaFileInspector.inspect(path: path)
        #expect(inspection.decodeErrors == 0)
        #expect(inspection.streams.map(\.codecName) == ["aac", "mov_text"])
        #expect(inspection.streams[0].packetCount == audioFrames)
        Self.expectCues(inspection.cues, [TimedTextCue(start: 1, end: 2, text: "sound only")], "inspector")
    }

    @Test func aFileNeverFinishedPlaysUpToItsLastCompleteFragment() throws {
        let directory = try TemporaryDirectory()
        for dropWithoutAbandon in [false, true] {
            let path = directory.file("crash-\(dropWithoutAbandon).mp4")
            let encoder = try Self.encoder()
            var writer: MP4SegmentWriter? = try Self.writer(
                path, encoder, options: MP4OutputOptions(syncPolicy: .never, subtitleTrack: true))
            writer?.addCue(TimedTextCue(start: 1, end: 2, text: "kept"))
            writer?.addCue(TimedTextCue(start: 6.5, end: 7, text: "lost with the last fragment"))
            // 10.28 s at 25 fps; keyframes every 2 s. Text trails video by MP4SegmentWriter.cueLatency (5 s): "kept" is written
            // with the video at 7 s, the other cue would be at 12 s.
            let written = try Self.write(encoder, frames: 257, to: writer!)
            if !dropWithoutAbandon { writer?.abandon() }
            writer = nil

            // The fragment from 10 s on was still in memory: the file ends at 10 s, within one fragment (a 2 s GOP).
            let duration = try Witness.formatDuration(path)
            #expect(duration >= Double(written.videoEnd) / 1000 - 2.0 && duration <= Double(written.videoEnd) / 1000)
            #expect(abs(duration - 10.0) < 0.1, "ffprobe duration \(duration)")
            let inspection = try MediaFileInspector.inspect(path: path)
            #expect(inspection.decodeErrors == 0)
            #expect(inspection.streams[0].decodedFrames == 250)
            #expect(inspection.cues.map(\.text) == ["kept"])
            #expect(try Witness.decodesCleanly(path))
        }
    }

    @Test(arguments: [
        (FileSyncPolicy.everyFragment, 3), (.interval(.seconds(3600)), 1), (.never, 0),
    ])
    func syncPolicyDecidesHowOftenTheFileIsSynced(policy: FileSyncPolicy, expectedSyncs: Int) throws {
        let directory = try TemporaryDirectory()
        let encoder = try Self.encoder()
        let writer = try Self.writer(directory.file("sync.mp4"), encoder, options: MP4OutputOptions(syncPolicy: policy))
        _ = try Self.write(encoder, frames: 125, to: writer)
        try writer.finish()
        // everyFragment: after the fragments closed at 2 s and 4 s, and once more when finished; an hour's
        // interval: only when finished; never: not at all.
        #expect(writer.fragmentsWritten == 3)
        #expect(writer.syncCount == expectedSyncs)
    }

    @Test func aFullDiskNamesTheFileAndLeavesItEndingAtACompleteFragment() throws {
        let directory = try TemporaryDirectory()
        let reference = directory.file("reference.mp4")
        let encoder = try Self.encoder()
        let referenceWriter = try Self.writer(reference, encoder)
        _ = try Self.write(encoder, frames: 125, to: referenceWriter)
        try referenceWriter.finish()

        let path = directory.file("full.mp4")
        let output = try FileOutput(path: path)
        output.byteLimit = referenceWriter.bytesWritten * 6 / 10  // fails inside the second fragment
        let second = try Self.encoder()
        let writer = try MP4SegmentWriter(
            output: output, video: second.videoConfiguration,
            audio: AACConfiguration(audioSpecificConfig: second.audioSpecificConfig), options: .default)
        var failure: LiveMediaError?
        do {
            _ = try Self.write(second, frames: 125, to: writer)
            try writer.finish()
        } catch {
            failure = error as? LiveMediaError
        }
        let message = try #require(failure).description
        #expect(message.contains(path) && message.contains("disk is full"), "\(message)")
        // Every later call says the same; finishing closes the file.
        #expect(throws: failure!) {
            try writer.write(MediaPacket(track: .audio, dts: 9_000, pts: 9_000, isKeyframe: true, data: [1]), duration: 23)
        }
        #expect(throws: failure!) { try writer.finish() }
        try writer.finish()

        let size = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int64)
        #expect(size == writer.bytesWritten && size < output.byteLimit!)
        let inspection = try MediaFileInspector.inspect(path: path)
        #expect(inspection.decodeErrors == 0)
        #expect(inspection.streams[0].decodedFrames == 50, "the first fragment (0-2 s) only")
        #expect(try Witness.decodesCleanly(path))
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/dev/full")))
    func writingToDevFullSaysTheDiskIsFull() throws {
        let encoder = try Self.encoder()
        var failure: LiveMediaError?
        do {
            let writer = try Self.writer("/dev/full", encoder)
            _ = try Self.write(encoder, frames: 60, to: writer)
            try writer.finish()
        } catch {
            failure = error as? LiveMediaError
        }
        let message = try #require(failure).description
        #expect(message.contains("/dev/full") && message.contains("disk is full"), "\(message)")
    }
}

/// A fresh directory under the system's temporary directory, removed when the value goes away.
final class TemporaryDirectory {
    let url: URL

    init() throws {
        self.url = FileManager.default.temporaryDirectory.appendingPathComponent("livemedia-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: self.url, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> String { self.url.appendingPathComponent(name).path }

    deinit { try? FileManager.default.removeItem(at: self.url) }
}

/// Debian's ffprobe and ffmpeg (`apt-get install ffmpeg`), run as outside witnesses; never used by the product.
enum Witness {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Runs `/usr/bin/<tool>` to completion: its exit status, standard output and standard error.
    static func execute(_ tool: String, _ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let executable = "/usr/bin/\(tool)"
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw Failure(description: "\(executable) not found: apt-get install ffmpeg (tests use it as a witness)")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let errorText = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self), errorText)
    }

    /// Runs `/usr/bin/<tool>` and returns its standard output; throws with its standard error on failure.
    static func run(_ tool: String, _ arguments: [String]) throws -> String {
        let finished = try Self.execute(tool, arguments)
        guard finished.status == 0 else {
            throw Failure(description: "\(tool) \(arguments.joined(separator: " ")) exited \(finished.status): \(finished.stderr)")
        }
        return finished.stdout
    }

    /// ffprobe's container duration in seconds.
    static func formatDuration(_ path: String) throws -> Double {
        let text = try self.run("ffprobe", ["-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", path])
        guard let duration = Double(text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw Failure(description: "ffprobe gave no duration for \(path): \(text)")
        }
        return duration
    }

    /// Whether ffmpeg decodes the whole file without a single error message.
    static func decodesCleanly(_ path: String) throws -> Bool {
        let finished = try Self.execute("ffmpeg", ["-v", "error", "-i", path, "-f", "null", "-"])
        return finished.status == 0 && finished.stderr.isEmpty
    }

    /// The cues of an SRT file.
    static func srtCues(_ path: String) throws -> [TimedTextCue] {
        let text = try String(contentsOfFile: path, encoding: .utf8).replacingOccurrences(of: "\r\n", with: "\n")
        func seconds(_ stamp: Substring) -> Double {
            let parts = stamp.trimmingCharacters(in: .whitespaces).split(whereSeparator: { ":,".contains($0) }).compactMap { Double($0) }
            return parts.count == 4 ? parts[0] * 3600 + parts[1] * 60 + parts[2] + parts[3] / 1000 : -1
        }
        return text.components(separatedBy: "\n\n").compactMap { block in
            let lines = block.split(separator: "\n", omittingEmptySubsequences: false)
            guard lines.count >= 3, let arrow = lines[1].range(of: "-->") else { return nil }
            return TimedTextCue(
                start: seconds(lines[1][..<arrow.lowerBound]), end: seconds(lines[1][arrow.upperBound...]),
                text: lines[2...].joined(separator: "\n").trimmingCharacters(in: .newlines))
        }
    }

}
