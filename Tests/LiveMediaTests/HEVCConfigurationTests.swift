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
}
