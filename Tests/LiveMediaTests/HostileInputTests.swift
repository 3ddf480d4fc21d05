import CurlTransport
import Foundation
import Testing

@testable import LiveMedia

/// Random, truncated and mutated input must give a clear ``LiveMediaError`` (or be read as far as it is valid),
/// never a crash, a hang or an unbounded allocation.
@Suite struct HostileInputTests {
    /// A valid FLV: HEVC (codec id 12) with in-band-capable frames, an AAC header and frames, a script tag.
    static func validFLV() throws -> [UInt8] {
        let video = try EncodedTestVideo(width: 64, height: 64, count: 8, gop: 4)
        var bytes = try FLVDemuxerTests.flv(video, form: .codecID12)
        bytes += FLVTagWriter.tag(kind: .script, timestamp: 0, body: [2, 0, 10] + Array("onMetaData".utf8))
        bytes += FLVTagWriter.tag(kind: .audio, timestamp: 0, body: FLVTagWriter.aacSequenceHeader([0x12, 0x10]))
        for index in 0..<8 {
            bytes += FLVTagWriter.tag(kind: .audio, timestamp: UInt32(index * 23), body: FLVTagWriter.aacFrame([0x21, 0x10, 5, 0x80]))
        }
        return bytes
    }

    /// Parses and demuxes `bytes` in `chunk`-sized pushes, feeding every frame to the in-band scanner too.
    /// Returns the number of events; throws what the parser or demuxer threw.
    static func consume(_ bytes: [UInt8], chunk: Int) throws -> Int {
        var parser = FLVTagParser()
        let demuxer = FLVDemuxer()
        var configuration: VideoConfiguration?
        var events = 0
        var index = 0
        while index < bytes.count {
            let end = min(index + chunk, bytes.count)
            for tag in try bytes[index..<end].withUnsafeBytes({ try parser.push($0) }) {
                switch try demuxer.demux(tag) {
                case .videoConfiguration(let new)?: configuration = new
                case .packet(let packet)? where packet.track == .video:
                    if let changed = try configuration?.changedByInBandParameterSets(in: packet) { configuration = changed }
                default: break
                }
                events += 1
            }
            index = end
        }
        return events
    }

    @Test func thousandsOfMutatedFLVStreamsFailCleanly() throws {
        let valid = try Self.validFLV()
        let validEvents = try Self.consume(valid, chunk: 4096)
        #expect(validEvents > 16)
        var generator = SystemRandomNumberGenerator()
        let started = ContinuousClock.now
        var failures = 0
        for round in 0..<3000 {
            var bytes = valid
            switch round % 5 {
            case 0:  // flip a few bytes past the file header
                for _ in 0..<Int.random(in: 1...8, using: &generator) {
                    bytes[Int.random(in: 13..<bytes.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
                }
            case 1:  // truncate anywhere
                bytes.removeLast(Int.random(in: 1..<(bytes.count - 13), using: &generator))
            case 2:  // absurd or zero tag size at a random tag-ish position
                let at = Int.random(in: 14..<(bytes.count - 3), using: &generator)
                bytes.replaceSubrange(at..<(at + 3), with: Bool.random(using: &generator) ? [0xFF, 0xFF, 0xFF] : [0, 0, 0])
            case 3:  // wrong codec ids and packet types in a video tag's first bytes
                let at = Int.random(in: 13..<(bytes.count - 16), using: &generator)
                bytes[at + 11] = UInt8.random(in: 0...255, using: &generator)
                bytes[at + 12] = UInt8.random(in: 0...3, using: &generator)
            default:  // splice random garbage in
                let at = Int.random(in: 13..<bytes.count, using: &generator)
                bytes.insert(
                    contentsOf: (0..<Int.random(in: 1...64, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) },
                    at: at)
            }
            do {
                _ = try Self.consume(bytes, chunk: Int.random(in: 1...8192, using: &generator))
            } catch let error as LiveMediaError {
                failures += 1
                #expect(!error.description.isEmpty)
            }
        }
        #expect(failures > 100, "mutations should often be detected; only \(failures) were")
        #expect(ContinuousClock.now - started < .seconds(30))
    }

    @Test func randomBytesAfterAValidHeaderNeverCrash() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<500 {
            let bytes =
                FLVTagWriter.fileHeader
                + (0..<Int.random(in: 0..<4000, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            #expect(throws: Never.self) {
                do { _ = try Self.consume(bytes, chunk: 997) } catch is LiveMediaError {}
            }
        }
    }

    @Test func garbageRecordsAndParameterSetsThrow() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            var record = (0..<Int.random(in: 0..<120, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            if !record.isEmpty { record[0] = 1 }
            _ = try? VideoConfiguration(hvcC: record)
            _ = try? VideoConfiguration(avcC: record)
            _ = try? VideoConfiguration.hevc(parameterSets: [[0x40, 0x01] + record, [0x42, 0x01] + record, [0x44, 0x01] + record])
            _ = try? VideoConfiguration.h264(parameterSets: [[0x67] + record, [0x68] + record])
            _ = ParameterSetScanner.parameterSets(in: record, codec: .hevc)
            _ = try? AACConfiguration.adtsFrames(in: [0xFF, 0xF1] + record)
        }
        // An hvcC whose array claims more NAL units than it holds.
        #expect(throws: LiveMediaError.self) {
            try VideoConfiguration(hvcC: [1] + [UInt8](repeating: 0, count: 21) + [1, 0xA1, 0, 9, 0, 200])
        }
        // Frames whose length prefixes overrun are not parameter changes.
        #expect(ParameterSetScanner.parameterSets(in: [0, 0, 0, 200, 0x40, 1], codec: .hevc) == nil)
    }

    @Test func garbageAndTruncatedMediaFilesFailOrStopCleanly() throws {
        let directory = try MediaTool.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var generator = SystemRandomNumberGenerator()
        // MPEG-TS packet sync bytes with random payloads.
        var packets: [UInt8] = []
        for _ in 0..<500 { packets += [0x47] + (0..<187).map { _ in UInt8.random(in: 0...255, using: &generator) } }
        let garbage = directory.appendingPathComponent("garbage.ts").path
        try Data(packets).write(to: URL(fileURLWithPath: garbage))
        do {
            let sink = CollectingSink()
            try LibAVDemuxInput(path: garbage).run(stop: StopSignal(), sink: sink)
            #expect(sink.packets.isEmpty)
        } catch let error as LiveMediaError {
            #expect(error.description.contains(garbage))
        }

        // A TS file cut in the middle: what is complete is read, the rest is not invented.
        let whole = directory.appendingPathComponent("whole.ts").path
        try MediaTool.encode(whole, seconds: 2)
        let data = try Data(contentsOf: URL(fileURLWithPath: whole))
        let cut = directory.appendingPathComponent("cut.ts").path
        try data.prefix(data.count / 2 + 77).write(to: URL(fileURLWithPath: cut))
        let sink = CollectingSink()
        do { try LibAVDemuxInput(path: cut).run(stop: StopSignal(), sink: sink) } catch is LiveMediaError {}
        #expect(sink.videoPackets.count > 5 && sink.videoPackets.count < 50)
    }
}
