import CurlTransport
import Foundation
import Testing

@testable import LiveMedia

/// Encodes a known number of frames, writes them as FLV, records that FLV through the real download path
/// (libcurl, here from a file:// URL) and checks the MP4 holds exactly what went in.
@Suite struct RecordingTests {
    func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("livemedia-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func encoderParameterSetsDescribeThePicture() throws {
        let encoder = try TestPatternEncoder(width: 640, height: 360)
        let video = try H264Configuration(avcC: encoder.avcC)
        // 360 is not a multiple of 16: this only holds if SPS cropping is applied.
        #expect(video.width == 640)
        #expect(video.height == 360)
        let audio = try AACConfiguration(audioSpecificConfig: encoder.audioSpecificConfig)
        #expect(audio.sampleRate == 44100)
        #expect(audio.channels == 2)
    }

    @Test func flvFileRecordsToAnMP4WithEveryFrame() async throws {
        let directory = try self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let encoder = try TestPatternEncoder(width: 320, height: 180, framesPerSecond: 30)
        var flv = FLVTagWriter.fileHeader
        flv += FLVTagWriter.tag(kind: .video, timestamp: 0, body: FLVTagWriter.avcSequenceHeader(encoder.avcC))
        flv += FLVTagWriter.tag(kind: .audio, timestamp: 0, body: FLVTagWriter.aacSequenceHeader(encoder.audioSpecificConfig))
        var videoFrames = 0
        var audioFrames = 0
        for _ in 0..<90 {
            for packet in try encoder.encodeNextFrame() where packet.dts >= 0 {
                let body =
                    packet.track == .video
                    ? FLVTagWriter.avcFrame(packet.data, keyframe: packet.isKeyframe, compositionTime: Int32(packet.pts - packet.dts))
                    : FLVTagWriter.aacFrame(packet.data)
                flv += FLVTagWriter.tag(kind: packet.track == .video ? .video : .audio, timestamp: UInt32(packet.dts), body: body)
                if packet.track == .video { videoFrames += 1 } else { audioFrames += 1 }
            }
        }
        let input = directory.appendingPathComponent("input.flv")
        try Data(flv).write(to: input)

        let output = directory.appendingPathComponent("output.mp4").path
        let arrivals = ArrivalLog()
        let summary = try await LiveStreamRecorder().record(
            .init(source: input.absoluteString, outputPath: output), onVideoArrival: { arrivals.append($0) }
        )
        #expect(summary.endReason == .sourceEnded)
        #expect(summary.videoFrames == videoFrames)
        #expect(summary.audioFrames == audioFrames)
        #expect(arrivals.count == videoFrames)

        let inspection = try MediaFileInspector.inspect(path: output)
        #expect(inspection.streams.map(\.codecName) == ["h264", "aac"])
        #expect(inspection.decodeErrors == 0)
        #expect(inspection.streams[0].decodedFrames == videoFrames)
        #expect(inspection.streams[0].width == 320 && inspection.streams[0].height == 180)
        #expect(abs(inspection.duration - 3.0) < 0.1, "duration \(inspection.duration)")
    }

    @Test func aSourceThatIsNotFLVFailsWithoutLeavingAFile() async throws {
        let directory = try self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = directory.appendingPathComponent("waf.html")
        try Data("<html>Please wait...</html>".utf8).write(to: input)
        let output = directory.appendingPathComponent("output.mp4").path
        await #expect(throws: LiveMediaError.self) {
            try await LiveStreamRecorder().record(.init(source: input.absoluteString, outputPath: output))
        }
        #expect(!FileManager.default.fileExists(atPath: output))
    }
}

/// Collects arrival callbacks from the recording thread.
final class ArrivalLog: @unchecked Sendable {
    private let lock = NSLock()
    private var arrivals: [MediaArrival] = []
    func append(_ arrival: MediaArrival) { self.lock.withLock { self.arrivals.append(arrival) } }
    var count: Int { self.lock.withLock { self.arrivals.count } }
}
