import Testing

@testable import LiveMedia

/// HEVC in both FLV forms, built by hand from libx265 output, and the codecs the demuxer must refuse by name.
@Suite struct FLVDemuxerTests {
    enum Form: CaseIterable {
        case codecID12
        case enhanced
    }

    static func si24(_ value: Int64) -> [UInt8] {
        let bits = UInt32(bitPattern: Int32(value)) & 0xFF_FFFF
        return [UInt8(bits >> 16), UInt8((bits >> 8) & 0xFF), UInt8(bits & 0xFF)]
    }

    /// An FLV file of `video` (HEVC) in `form`: a sequence header, then one tag per frame.
    static func flv(_ video: EncodedTestVideo, form: Form) throws -> [UInt8] {
        let configuration = try VideoConfiguration.hevc(parameterSets: AnnexB.nalUnits(video.globalHeader).map { Array($0) })
        let hvc1: [UInt8] = Array("hvc1".utf8)
        var bytes = FLVTagWriter.fileHeader
        let header: [UInt8] =
            switch form {
            case .codecID12: [0x1C, 0, 0, 0, 0] + configuration.decoderConfigurationRecord
            case .enhanced: [0x90] + hvc1 + configuration.decoderConfigurationRecord
            }
        bytes += FLVTagWriter.tag(kind: .video, timestamp: 0, body: header)
        for frame in video.frames {
            let frameType: UInt8 = frame.isKeyframe ? 1 : 2
            let nals = AnnexB.lengthPrefixed(frame.annexB)
            let cts = frame.pts - frame.dts
            let body: [UInt8] =
                switch form {
                case .codecID12: [frameType << 4 | 12, 1] + si24(cts) + nals
                case .enhanced where cts == 0: [0x80 | frameType << 4 | 3] + hvc1 + nals
                case .enhanced: [0x80 | frameType << 4 | 1] + hvc1 + si24(cts) + nals
                }
            bytes += FLVTagWriter.tag(kind: .video, timestamp: UInt32(frame.dts + 80), body: body)
        }
        // An end-of-sequence marker is not a frame.
        let end: [UInt8] = form == .codecID12 ? [0x1C, 2, 0, 0, 0] : [0x92] + hvc1
        bytes += FLVTagWriter.tag(kind: .video, timestamp: UInt32(video.frames.count * 40 + 80), body: end)
        return bytes
    }

    static func demuxAll(_ bytes: [UInt8]) throws -> [FLVDemuxer.Output] {
        var parser = FLVTagParser()
        let demuxer = FLVDemuxer()
        return try bytes.withUnsafeBytes { try parser.push($0) }.compactMap { try demuxer.demux($0) }
    }

    @Test(arguments: Form.allCases)
    func hevcFramesComeOutWithTheirTimestampsAndDecode(form: Form) throws {
        let video = try EncodedTestVideo(width: 320, height: 184, count: 25)
        let outputs = try Self.demuxAll(try Self.flv(video, form: form))
        guard case .videoConfiguration(let configuration)? = outputs.first else {
            Issue.record("no configuration first")
            return
        }
        #expect(configuration.codec == .hevc && configuration.width == 320 && configuration.height == 184)
        let packets = outputs.compactMap { output -> MediaPacket? in
            if case .packet(let packet) = output { packet } else { nil }
        }
        #expect(packets.count == video.frames.count)
        #expect(packets.map(\.dts) == video.frames.map { $0.dts + 80 })
        #expect(packets.map(\.pts) == video.frames.map { $0.pts + 80 })
        #expect(packets.map(\.isKeyframe) == video.frames.map(\.isKeyframe))
        // B-frames give non-zero composition offsets, so both enhanced packet types (1 and 3) were exercised.
        #expect(video.frames.contains { $0.pts != $0.dts } && video.frames.contains { $0.pts == $0.dts })
        let decoded = try EncodedTestVideo.decode(packets.map(\.data), configuration: configuration)
        #expect(decoded.pictures == video.frames.count)
    }

    @Test func unsupportedVideoCodecsAreNamed() {
        let demuxer = FLVDemuxer()
        func message(_ body: [UInt8], kind: FLVTag.Kind = .video) -> String {
            do {
                _ = try demuxer.demux(FLVTag(kind: kind, timestamp: 0, body: body))
                return "accepted"
            } catch { return error.description }
        }
        #expect(message([0x12, 0, 0, 0, 0]).contains("codec id 2"))
        #expect(message([0x80 | 0x10] + Array("av01".utf8) + [1, 2]).contains("'av01'"))
        #expect(message([0x80 | 0x10 | 1] + Array("vp09".utf8) + [1, 2]).contains("'vp09'"))
        #expect(message([0x80 | 0x10 | 1] + [0xFF, 0, 0x41, 0x42]).contains("FourCC"))
        #expect(message([0x80 | 0x10 | 6] + Array("hvc1".utf8)).contains("packet type 6"))
        #expect(message([0x2F, 1, 2], kind: .audio).contains("MP3"))
    }

    @Test func garbageSequenceHeadersThrowWithTheTagOffset() throws {
        var bytes = FLVTagWriter.fileHeader
        bytes += FLVTagWriter.tag(kind: .script, timestamp: 0, body: [2, 0, 1, 0x41])
        bytes += FLVTagWriter.tag(kind: .video, timestamp: 0, body: [0x1C, 0, 0, 0, 0, 1, 2, 3])
        do {
            _ = try Self.demuxAll(bytes)
            Issue.record("a broken hvcC was accepted")
        } catch let error as LiveMediaError {
            guard case .malformedFLV(let offset, _) = error else { throw error }
            #expect(offset == 13 + 15 + 4)  // after the header and the 4-byte script tag
        }
    }

    @Test func commandFramesMetadataAndEmptyTagsAreSkipped() throws {
        let demuxer = FLVDemuxer()
        #expect(try demuxer.demux(FLVTag(kind: .video, timestamp: 0, body: [])) == nil)
        #expect(try demuxer.demux(FLVTag(kind: .video, timestamp: 0, body: [0x52, 0])) == nil)
        #expect(try demuxer.demux(FLVTag(kind: .video, timestamp: 0, body: [0x80 | 0x10 | 4] + Array("hvc1".utf8) + [2, 0])) == nil)
        #expect(try demuxer.demux(FLVTag(kind: .video, timestamp: 0, body: [0x80 | 0x50 | 1] + Array("hvc1".utf8))) == nil)
        #expect(try demuxer.demux(FLVTag(kind: .audio, timestamp: 0, body: [0xAF])) == nil)
    }
}
