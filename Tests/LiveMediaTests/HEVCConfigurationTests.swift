import Testing

@testable import LiveMedia

@Suite struct HEVCConfigurationTests {
    @Test func aRecordBuiltFromX265ParameterSetsParsesBackAndDecodes() throws {
        let video = try EncodedTestVideo(width: 320, height: 184, count: 12)
        let sets = AnnexB.nalUnits(video.globalHeader).map { Array($0) }
        let built = try VideoConfiguration.hevc(parameterSets: sets)
        #expect(built.codec == .hevc)
        #expect(built.width == 320 && built.height == 184)
        #expect(built.profile == 1)  // Main
        #expect(built.nalLengthSize == 4)
        #expect(built.parameterSets.map { ($0[0] >> 1) & 0x3F } == [32, 33, 34])

        let parsed = try VideoConfiguration(hvcC: built.decoderConfigurationRecord)
        #expect(parsed == built)

        // libavcodec's HEVC decoder accepts the record as extradata and decodes every frame.
        let frames = video.frames.map { AnnexB.lengthPrefixed($0.annexB) }
        let decoded = try EncodedTestVideo.decode(frames, configuration: built)
        #expect(decoded.pictures == 12)
        #expect(decoded.width == 320 && decoded.height == 184)
    }

    @Test func aCroppedOddSizeComesFromTheConformanceWindow() throws {
        // x265 codes 8x8-aligned sizes and crops the rest through the conformance window.
        let video = try EncodedTestVideo(width: 250, height: 142, count: 2)
        let built = try VideoConfiguration.hevc(parameterSets: AnnexB.nalUnits(video.globalHeader).map { Array($0) })
        #expect(built.width == 250 && built.height == 142)
    }

    @Test func h264ParameterSetsBuildADecodableAvcC() throws {
        let video = try EncodedTestVideo(encoder: "libx264", width: 320, height: 240, count: 5)
        let built = try VideoConfiguration.h264(parameterSets: AnnexB.nalUnits(video.globalHeader).map { Array($0) })
        #expect(built.codec == .h264 && built.width == 320 && built.height == 240)
        let decoded = try EncodedTestVideo.decode(video.frames.map { AnnexB.lengthPrefixed($0.annexB) }, configuration: built)
        #expect(decoded.pictures == 5)
    }

    @Test func missingParameterSetsAreNamed() {
        #expect(throws: LiveMediaError.self) { try VideoConfiguration.hevc(parameterSets: [[0x40, 0x01, 0x0C]]) }
        #expect(throws: LiveMediaError.self) { try VideoConfiguration.h264(parameterSets: []) }
    }

    @Test func garbageRecordsThrowInsteadOfCrashing() {
        var generator = SystemRandomNumberGenerator()
        for length in 0..<200 {
            var bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            if !bytes.isEmpty { bytes[0] = 1 }
            _ = try? VideoConfiguration(hvcC: bytes)
        }
        #expect(throws: LiveMediaError.self) { try VideoConfiguration(hvcC: [1, 2, 3]) }
    }

    @Test(arguments: ["libx265", "libx264"])
    func inBandParameterChangesAreDetectedAndRepeatsAreNot(encoder: String) throws {
        // Without a global header the encoders repeat their parameter sets in front of every keyframe.
        let small = try EncodedTestVideo(encoder: encoder, width: 320, height: 184, count: 25, gop: 10, globalHeader: false)
        let large = try EncodedTestVideo(encoder: encoder, width: 640, height: 360, count: 1, globalHeader: false)
        let codec: VideoConfiguration.Codec = encoder == "libx265" ? .hevc : .h264
        func packet(_ frame: EncodedTestVideo.Frame) -> MediaPacket {
            MediaPacket(
                track: .video, dts: frame.dts, pts: frame.pts, isKeyframe: frame.isKeyframe, data: AnnexB.lengthPrefixed(frame.annexB))
        }
        let keyframes = small.frames.filter(\.isKeyframe).map(packet)
        #expect(keyframes.count >= 2)
        let sets = try #require(ParameterSetScanner.parameterSets(in: keyframes[0].data, codec: codec))
        let current = codec == .hevc ? try VideoConfiguration.hevc(parameterSets: sets) : try VideoConfiguration.h264(parameterSets: sets)
        #expect(current.width == 320)
        // The same sets repeated: no change. A frame without sets: nothing to look at.
        for keyframe in keyframes.dropFirst() { #expect(try current.changedByInBandParameterSets(in: keyframe) == nil) }
        let delta = try #require(small.frames.map(packet).first { !$0.isKeyframe })
        #expect(ParameterSetScanner.parameterSets(in: delta.data, codec: codec) == nil)
        // New sets in-band (a resolution change with no new sequence header): the new configuration.
        let changed = try #require(try current.changedByInBandParameterSets(in: packet(large.frames[0])))
        #expect(changed.codec == codec && changed.width == 640 && changed.height == 360)
        let decoded = try EncodedTestVideo.decode([packet(large.frames[0]).data], configuration: changed)
        #expect(decoded.pictures == 1 && decoded.width == 640)
    }

    @Test func aNewPictureParameterSetAloneKeepsTheSequenceParameterSet() throws {
        let video = try EncodedTestVideo(width: 320, height: 184, count: 1)
        let current = try VideoConfiguration.hevc(parameterSets: AnnexB.nalUnits(video.globalHeader).map { Array($0) })
        var pps = current.parameterSets[2]
        pps.append(0x80)  // different bytes, same pps_pic_parameter_set_id
        let slice: [UInt8] = [0x26, 0x01, 0xAF]  // IDR_W_RADL slice header bytes: the scan stops here
        var frame: [UInt8] = []
        for nal in [pps, slice] { frame += [0, 0, UInt8(nal.count >> 8), UInt8(nal.count & 0xFF)] + nal }
        let changed = try #require(
            try current.changedByInBandParameterSets(in: MediaPacket(track: .video, dts: 0, pts: 0, isKeyframe: true, data: frame)))
        #expect(changed.parameterSets == [current.parameterSets[0], current.parameterSets[1], pps])
        #expect(changed.width == 320)
    }
}
