import CLibAVShims
import Foundation
import Testing

@testable import LiveMedia

/// The plain (non-fragmented, faststart) copy of a finished recording: `moov` first and no fragments, every sample
/// and cue kept, HEVC's sample entry kept, leading audio kept in place, and nothing left behind by a failure.
/// Fragmented sources come from ``MP4SegmentWriter`` fed by the test-pattern encoder; ffprobe/ffmpeg are witnesses.
@Suite struct PlainMP4WriterTests {
    /// The four-character types of a file's top-level boxes, in file order.
    static func topLevelBoxes(_ path: String) throws -> [String] {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        func number(_ offset: Int, _ count: Int) -> Int {
            bytes[offset..<offset + count].reduce(0) { $0 << 8 | Int($1) }
        }
        var boxes: [String] = []
        var offset = 0
        while offset + 8 <= bytes.count {
            var size = number(offset, 4)
            if size == 1, offset + 16 <= bytes.count { size = number(offset + 8, 8) }
            if size == 0 { size = bytes.count - offset }
            boxes.append(String(decoding: bytes[offset + 4..<offset + 8], as: UTF8.self))
            guard size >= 8 else { break }
            offset += size
        }
        return boxes
    }

    /// Checks that `path` is one `moov` followed by one `mdat` and has no fragment boxes.
    static func expectPlainLayout(_ path: String) throws {
        let boxes = try Self.topLevelBoxes(path)
        let moov = try #require(boxes.firstIndex(of: "moov"), "\(boxes)")
        let mdat = try #require(boxes.firstIndex(of: "mdat"), "\(boxes)")
        #expect(moov < mdat, "moov must come before mdat: \(boxes)")
        #expect(!boxes.contains("moof") && !boxes.contains("mfra"), "\(boxes)")
    }

    /// Names in `directory` other than `keeping`: what a copy left behind.
    static func leftovers(_ directory: TemporaryDirectory, keeping: [String]) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory.url.path).filter { !keeping.contains($0) }.sorted()
    }

    @Test func aRecordingWithTimedTextBecomesAMoovFirstFileWithEveryPacketAndCue() throws {
        let directory = try TemporaryDirectory()
        let fragmented = directory.file("recording.mp4")
        let plain = directory.file("recording-plain.mp4")
        let encoder = try MP4WriterTests.encoder()
        let writer = try MP4WriterTests.writer(fragmented, encoder, options: MP4OutputOptions(subtitleTrack: true))
        var cues = [
            TimedTextCue(start: 0.5, end: 2.5, text: "one"),
            TimedTextCue(start: 3.2, end: 4.0, text: "three"),
            TimedTextCue(start: 6.123, end: 7.456, text: "four ✓"),
            TimedTextCue(start: 8.5, end: 12, text: "five"),
        ]
        for cue in cues { writer.addCue(cue) }
        // The last cue is clipped to the end of the video (10 s) and is the track's last sample: its length comes
        // only from where the fragmented track says it ends.
        cues[3].end = 10
        let written = try MP4WriterTests.write(encoder, frames: 250, to: writer)
        try writer.finish()

        let result = try PlainMP4Writer.writePlainCopy(of: fragmented, to: plain)
        #expect(result.path == plain)
        #expect(result.bytes == (try FileManager.default.attributesOfItem(atPath: plain)[.size] as? Int64))
        #expect(try Self.topLevelBoxes(fragmented).contains("moof"), "the source is fragmented")
        try Self.expectPlainLayout(plain)
        #expect(try Self.leftovers(directory, keeping: ["recording.mp4", "recording-plain.mp4"]) == [])

        let counts = try MediaTool.packetCounts(plain)
        #expect(counts == (try MediaTool.packetCounts(fragmented)))
        #expect(counts["video"] == written.videoFrames && counts["video"] == result.videoPackets)
        #expect(counts["audio"] == written.audioFrames && counts["audio"] == result.audioPackets)
        #expect(counts["subtitle"] == result.subtitlePackets && result.subtitlePackets > cues.count)
        let duration = try Witness.formatDuration(plain)
        #expect(abs(duration - (try Witness.formatDuration(fragmented))) <= 0.04, "plain \(duration) s, one frame is 0.04 s")

        let inspection = try MediaFileInspector.inspect(path: plain)
        #expect(inspection.decodeErrors == 0)
        #expect(inspection.streams.map(\.codecTag) == ["avc1", "mp4a", "tx3g"])
        #expect(inspection.streams[0].decodedFrames == written.videoFrames)
        MP4WriterTests.expectCues(inspection.cues, cues, "inspector")
        #expect(try Witness.decodesCleanly(plain))
        // A plain MP4 stores every sample's duration where FFmpeg 5.1 reads it: its own SRT conversion now gets
        // the cues' ends too, not only their starts.
        let srtPath = directory.file("cues.srt")
        _ = try Witness.run("ffmpeg", ["-v", "error", "-y", "-i", plain, "-map", "0:s", srtPath])
        MP4WriterTests.expectCues(try Witness.srtCues(srtPath), cues, "ffmpeg → srt")
    }

    @Test func hevcKeepsItsSampleEntryTag() async throws {
        let directory = try TemporaryDirectory()
        for inBand in [false, true] {
            let fragmented = directory.file("hevc-\(inBand).mp4")
            let plain = directory.file("hevc-\(inBand)-plain.mp4")
            let encoder = try MP4WriterTests.encoder(.hevc)
            let writer = try MP4WriterTests.writer(fragmented, encoder, options: MP4OutputOptions(inBandParameterSets: inBand))
            let written = try MP4WriterTests.write(encoder, frames: 60, to: writer)
            try writer.finish()

            let result = try await PlainMP4Writer.writePlainCopy(of: fragmented, to: plain)
            #expect(result.videoPackets == written.videoFrames)
            try Self.expectPlainLayout(plain)
            let inspection = try MediaFileInspector.inspect(path: plain)
            #expect(inspection.decodeErrors == 0)
            #expect(inspection.streams.map(\.codecName) == ["hevc", "aac"])
            #expect(inspection.streams[0].codecTag == (inBand ? "hev1" : "hvc1"))
            #expect(inspection.streams[0].decodedFrames == written.videoFrames)
            #expect(try MediaTool.packetCounts(plain) == (try MediaTool.packetCounts(fragmented)))
            let tag = try Witness.run(
                "ffprobe", ["-v", "error", "-select_streams", "v", "-show_entries", "stream=codec_tag_string", "-of", "csv=p=0", plain])
            #expect(tag.trimmingCharacters(in: .whitespacesAndNewlines) == (inBand ? "hev1" : "hvc1"))
        }
    }

    @Test func audioThatLeadsTheVideoKeepsItsPlaceAndTheVideoStartsWhereItDid() throws {
        let directory = try TemporaryDirectory()
        let fragmented = directory.file("leading-audio.mp4")
        let plain = directory.file("leading-audio-plain.mp4")
        let lead: Int64 = 160
        try MP4WriterTests.writeFileWhoseAudioLeads(path: fragmented, by: lead)

        _ = try PlainMP4Writer.writePlainCopy(of: fragmented, to: plain)
        try Self.expectPlainLayout(plain)
        let packets = try Witness.run(
            "ffprobe", ["-v", "error", "-show_entries", "packet=stream_index,pts_time", "-of", "csv=p=0", plain])
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
        let inspection = try MediaFileInspector.inspect(path: plain)
        #expect(inspection.decodeErrors == 0)
        MP4WriterTests.expectCues(inspection.cues, [TimedTextCue(start: 1.176, end: 2, text: "on time")], "inspector")
        let duration = try Witness.formatDuration(plain)
        #expect(abs(duration - (try Witness.formatDuration(fragmented))) <= 0.04, "plain \(duration) s")
    }

    @Test func theCopyCanReplaceTheRecordingItIsMadeOf() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("in-place.mp4")
        let encoder = try MP4WriterTests.encoder()
        let writer = try MP4WriterTests.writer(path, encoder)
        let written = try MP4WriterTests.write(encoder, frames: 75, to: writer)
        try writer.finish()

        let result = try PlainMP4Writer.writePlainCopy(of: path, to: path)
        #expect(result.videoPackets == written.videoFrames && result.audioPackets == written.audioFrames)
        try Self.expectPlainLayout(path)
        #expect(try Self.leftovers(directory, keeping: ["in-place.mp4"]) == [])
        #expect(try MediaTool.packetCounts(path) == ["video": written.videoFrames, "audio": written.audioFrames])
    }

    @Test func aCopyThatCannotBeWrittenNamesThePathAndLeavesNothingBehind() throws {
        let directory = try TemporaryDirectory()
        let fragmented = directory.file("recording.mp4")
        let encoder = try MP4WriterTests.encoder()
        let writer = try MP4WriterTests.writer(fragmented, encoder)
        _ = try MP4WriterTests.write(encoder, frames: 50, to: writer)
        try writer.finish()

        // A folder that does not exist: the temporary file cannot even be created.
        let missing = directory.file("no-such-folder/plain.mp4")
        let creating = #expect(throws: LiveMediaError.self) { try PlainMP4Writer.writePlainCopy(of: fragmented, to: missing) }
        #expect(creating?.description.contains(missing) == true, "\(creating.map(String.init(describing:)) ?? "")")

        // A folder where the file should go: the whole copy is written, then the rename fails and the copy goes.
        let occupied = directory.file("occupied.mp4")
        try FileManager.default.createDirectory(atPath: occupied, withIntermediateDirectories: false)
        try Data("kept".utf8).write(to: URL(fileURLWithPath: occupied + "/note.txt"))
        let renaming = #expect(throws: LiveMediaError.self) { try PlainMP4Writer.writePlainCopy(of: fragmented, to: occupied) }
        #expect(renaming?.description.contains(occupied) == true, "\(renaming.map(String.init(describing:)) ?? "")")
        #expect(try Self.leftovers(directory, keeping: ["recording.mp4", "occupied.mp4"]) == [])
        #expect(try FileManager.default.contentsOfDirectory(atPath: occupied) == ["note.txt"])

        // A source that is not media: named, and nothing written.
        let notes = directory.file("notes.txt")
        try Data("not a video".utf8).write(to: URL(fileURLWithPath: notes))
        let reading = #expect(throws: LiveMediaError.self) {
            try PlainMP4Writer.writePlainCopy(of: notes, to: directory.file("notes.mp4"))
        }
        #expect(reading?.description.contains(notes) == true, "\(reading.map(String.init(describing:)) ?? "")")
        #expect(try Self.leftovers(directory, keeping: ["recording.mp4", "occupied.mp4", "notes.txt"]) == [])
    }

    @Test func aFullDiskSaysSoAndThatTheRecordingIsUntouched() {
        let error = PlainMP4Writer.error(code: ttr_av_error(ENOSPC), operation: "writing /recordings/a.mp4")
        #expect(error.description.contains("/recordings/a.mp4") && error.description.contains("disk is full"), "\(error)")
        #expect(error.description.contains("untouched"), "\(error)")
    }
}
