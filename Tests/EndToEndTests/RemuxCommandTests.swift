import CurlTransport
import Foundation
import LiveMedia
import Testing

/// `tiktok-recorder remux` as a user runs it, on files made by Debian's ffmpeg (the outside witness): every frame of
/// the input comes out, a cut-off recording is rescued, and input that is not media gets a clear error.
@Suite struct RemuxCommandTests {
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("remux-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// ffprobe's packet counts per stream, `video,audio`.
    static func packets(_ path: String) async throws -> String {
        let text = try await ExternalTools.run(
            try ExternalTools.ffmpegTool("ffprobe"),
            ["-v", "error", "-count_packets", "-show_entries", "stream=codec_type,nb_read_packets", "-of", "csv=p=0", path]
        )
        // MPEG-TS lists each stream twice (under its program and on its own): count each once.
        return Set(text.split(separator: "\n").map(String.init)).sorted().joined(separator: ";")
    }

    /// A 4 s 320x240 H.264 + AAC source in `format` (`flv` or `mpegts`), made by ffmpeg.
    static func source(_ directory: URL, format: String) async throws -> String {
        let path = directory.appendingPathComponent("source.\(format == "flv" ? "flv" : "ts")").path
        _ = try await ExternalTools.run(
            try ExternalTools.ffmpegTool("ffmpeg"),
            [
                "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc=size=320x240:rate=30", "-f", "lavfi", "-i", "sine", "-t", "4",
                "-c:v", "libx264", "-g", "60", "-bf", "0", "-c:a", "aac", "-f", format, path,
            ]
        )
        return path
    }

    @Test(arguments: ["flv", "mpegts"])
    func everyFrameOfTheInputComesOutInAPlayableMP4(format: String) async throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = try await Self.source(directory, format: format)
        let output = directory.appendingPathComponent("out.mp4").path
        let run = try await ReplayCommandTests.recorder(["remux", input, output])
        #expect(run.status == 0, "stderr: \(run.stderr)")
        #expect(run.stdout.contains("120 video"), "summary: \(run.stdout)")
        #expect(try await Self.packets(output) == (try await Self.packets(input)))
        _ = try await ExternalTools.run(
            try ExternalTools.ffmpegTool("ffmpeg"), ["-v", "error", "-xerror", "-i", output, "-f", "null", "-"])
        // A second run does not overwrite without being asked.
        let again = try await ReplayCommandTests.recorder(["remux", input, output])
        #expect(again.status != 0 && again.stderr.contains("--overwrite"))
    }

    @Test func aCutOffFLVRecordingIsRescuedUpToTheCut() async throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = try await Self.source(directory, format: "flv")
        var bytes = try Data(contentsOf: URL(fileURLWithPath: input))
        bytes = bytes.prefix(bytes.count * 2 / 3)  // as a crashed recorder leaves it: the last tag half written
        let cut = directory.appendingPathComponent("cut.flv")
        try bytes.write(to: cut)
        let output = directory.appendingPathComponent("rescued.mp4").path
        let run = try await ReplayCommandTests.recorder(["remux", cut.path, output])
        #expect(run.status == 0, "stderr: \(run.stderr)")
        let inspection = try await runOnDedicatedThread(name: "inspect") { try MediaFileInspector.inspect(path: output) }
        #expect(inspection.decodeErrors == 0)
        let frames = inspection.streams.first { $0.mediaType == "video" }?.decodedFrames ?? 0
        #expect(frames > 40 && frames < 120, "\(frames) frames rescued from two thirds of the file")
    }

    @Test func inputThatIsNotMediaGetsAnErrorNamingItAndNoFile() async throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = directory.appendingPathComponent("notes.txt")
        try Data("this is not a video".utf8).write(to: input)
        let output = directory.appendingPathComponent("out.mp4").path
        let run = try await ReplayCommandTests.recorder(["remux", input.path, output])
        #expect(run.status == 1)
        #expect(run.stderr.contains(input.path), "stderr: \(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: output))
        let missing = try await ReplayCommandTests.recorder(["remux", directory.appendingPathComponent("nope.flv").path, output])
        #expect(missing.status == 1 && missing.stderr.contains("no such file"), "stderr: \(missing.stderr)")
    }

    @Test func plainWritesOneMoovFirstFileWithEveryFrame() async throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = try await Self.source(directory, format: "flv")
        let output = directory.appendingPathComponent("plain.mp4").path
        let run = try await ReplayCommandTests.recorder(["remux", "--plain", input, output])
        #expect(run.status == 0, "stderr: \(run.stderr)")
        #expect(run.stdout.contains("plain MP4 \(output)"), "summary: \(run.stdout)")
        #expect(try await Self.packets(output) == (try await Self.packets(input)))
        // The top-level boxes: the moov before the media data, and no fragments.
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: output)))
        var boxes: [String] = []
        var offset = 0
        while offset + 8 <= bytes.count {
            let size = bytes[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
            boxes.append(String(decoding: bytes[offset + 4..<offset + 8], as: UTF8.self))
            guard size >= 8 else { break }
            offset += size
        }
        #expect(boxes.firstIndex(of: "moov").map { $0 < boxes.firstIndex(of: "mdat") ?? 0 } == true, "\(boxes)")
        #expect(!boxes.contains("moof"), "\(boxes)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() == ["plain.mp4", "source.flv"])
    }
}
