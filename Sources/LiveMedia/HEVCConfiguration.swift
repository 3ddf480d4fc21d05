/// HEVC (H.265) decoder configuration: the `hvcC` record (ISO/IEC 14496-15 §8.3.3) and the parts of the
/// sequence parameter set (ITU-T H.265 §7.3.2.2) that size the picture.
extension VideoConfiguration {
    /// HEVC NAL unit types that carry parameter sets.
    enum HEVCNALType {
        static let videoParameterSet: UInt8 = 32
        static let sequenceParameterSet: UInt8 = 33
        static let pictureParameterSet: UInt8 = 34
    }

    /// Parses an HEVC `hvcC` record and its first SPS.
    ///
    /// - Throws: ``LiveMediaError/malformedFLV(offset:reason:)`` when the record is truncated, has no SPS, or its
    ///   SPS is invalid.
    public init(hvcC: [UInt8]) throws(LiveMediaError) {
        guard hvcC.count >= 23, hvcC[0] == 1 else {
            throw .malformedFLV(offset: 0, reason: "HEVC sequence header is not an hvcC record (version byte must be 1)")
        }
        let nalLengthSize = Int(hvcC[21] & 0x03) + 1
        guard nalLengthSize != 3 else {
            throw .malformedFLV(offset: 0, reason: "hvcC record gives a 3-byte NAL length, which MP4 does not allow")
        }
        let arrayCount = Int(hvcC[22])
        var index = 23
        var byType: [UInt8: [[UInt8]]] = [:]
        for _ in 0..<arrayCount {
            guard index + 3 <= hvcC.count else {
                throw .malformedFLV(offset: 0, reason: "hvcC record ends inside its NAL unit array list")
            }
            let type = hvcC[index] & 0x3F
            let count = Int(hvcC[index + 1]) << 8 | Int(hvcC[index + 2])
            index += 3
            for _ in 0..<count {
                guard index + 2 <= hvcC.count else { throw .malformedFLV(offset: 0, reason: "hvcC record is truncated") }
                let length = Int(hvcC[index]) << 8 | Int(hvcC[index + 1])
                index += 2
                guard length >= 2, index + length <= hvcC.count else {
                    throw .malformedFLV(offset: 0, reason: "hvcC NAL unit length \(length) overruns the record")
                }
                byType[type, default: []].append(Array(hvcC[index..<(index + length)]))
                index += length
            }
        }
        guard let firstSPS = byType[HEVCNALType.sequenceParameterSet]?.first else {
            throw .malformedFLV(offset: 0, reason: "hvcC record has no SPS")
        }
        let sps = try HEVCSequenceParameterSet(nal: firstSPS)
        let sets =
            (byType[HEVCNALType.videoParameterSet] ?? []) + (byType[HEVCNALType.sequenceParameterSet] ?? [])
            + (byType[HEVCNALType.pictureParameterSet] ?? [])
        self.init(
            codec: .hevc, record: hvcC, width: sps.width, height: sps.height, profile: sps.profile, level: sps.level,
            parameterSets: sets, nalLengthSize: nalLengthSize
        )
    }

    /// Builds an HEVC configuration (and its `hvcC` record, 4-byte NAL lengths) from VPS, SPS and PPS NAL units,
    /// as found in-band or in an Annex B global header. Other NAL units in `parameterSets` are ignored.
    ///
    /// The record's general profile/tier/level comes from the first SPS, as do chroma format, bit depths, the
    /// number of temporal layers and temporal-id nesting; frame rate fields are 0 (unknown).
    /// - Throws: ``LiveMediaError/malformedFLV(offset:reason:)`` when a VPS, SPS or PPS is missing or the SPS is
    ///   invalid.
    public static func hevc(parameterSets: [[UInt8]]) throws(LiveMediaError) -> VideoConfiguration {
        func nals(_ type: UInt8) -> [[UInt8]] {
            parameterSets.filter { $0.count >= 3 && ($0[0] >> 1) & 0x3F == type }
        }
        let vps = nals(HEVCNALType.videoParameterSet)
        let sps = nals(HEVCNALType.sequenceParameterSet)
        let pps = nals(HEVCNALType.pictureParameterSet)
        guard let firstSPS = sps.first, !vps.isEmpty, !pps.isEmpty else {
            throw .malformedFLV(
                offset: 0,
                reason: "HEVC parameter sets incomplete (VPS \(vps.count), SPS \(sps.count), PPS \(pps.count)); need one of each"
            )
        }
        let parsed = try HEVCSequenceParameterSet(nal: firstSPS)
        var record: [UInt8] = [1]
        record += parsed.generalProfileTierLevel
        record += [0xF0, 0x00]  // reserved 1111, min_spatial_segmentation_idc 0
        record += [0xFC]  // reserved 111111, parallelismType 0 (unknown)
        record += [0xFC | UInt8(parsed.chromaFormat & 0x03)]
        record += [0xF8 | UInt8(parsed.bitDepthLumaMinus8 & 0x07)]
        record += [0xF8 | UInt8(parsed.bitDepthChromaMinus8 & 0x07)]
        record += [0x00, 0x00]  // avgFrameRate: unknown
        // constantFrameRate 0, numTemporalLayers, temporalIdNested, lengthSizeMinusOne 3.
        record += [UInt8((parsed.maxSubLayers & 0x07) << 3) | (parsed.temporalIdNesting ? 0x04 : 0) | 0x03]
        let arrays = [
            (HEVCNALType.videoParameterSet, vps), (HEVCNALType.sequenceParameterSet, sps), (HEVCNALType.pictureParameterSet, pps),
        ]
        record.append(UInt8(arrays.count))
        for (type, units) in arrays {
            guard units.count <= 0xFFFF else { throw .malformedFLV(offset: 0, reason: "too many HEVC parameter sets") }
            record += [0x80 | type, UInt8(units.count >> 8), UInt8(units.count & 0xFF)]  // array_completeness 1
            for unit in units {
                guard unit.count <= 0xFFFF else {
                    throw .malformedFLV(offset: 0, reason: "HEVC parameter set of \(unit.count) bytes is too long for hvcC")
                }
                record += [UInt8(unit.count >> 8), UInt8(unit.count & 0xFF)] + unit
            }
        }
        return VideoConfiguration(
            codec: .hevc, record: record, width: parsed.width, height: parsed.height, profile: parsed.profile,
            level: parsed.level, parameterSets: vps + sps + pps, nalLengthSize: 4
        )
    }

    /// Builds an H.264 configuration (and its `avcC` record, 4-byte NAL lengths) from SPS and PPS NAL units, as found
    /// in-band or in an Annex B global header. Other NAL units in `parameterSets` are ignored.
    /// - Throws: ``LiveMediaError/malformedFLV(offset:reason:)`` when an SPS or PPS is missing or the SPS is invalid.
    public static func h264(parameterSets: [[UInt8]]) throws(LiveMediaError) -> VideoConfiguration {
        let sps = parameterSets.filter { $0.count >= 4 && $0[0] & 0x1F == 7 }
        let pps = parameterSets.filter { $0.count >= 1 && $0[0] & 0x1F == 8 }
        guard let first = sps.first, !pps.isEmpty else {
            throw .malformedFLV(
                offset: 0, reason: "H.264 parameter sets incomplete (SPS \(sps.count), PPS \(pps.count)); need one of each")
        }
        guard sps.count <= 31, pps.count <= 255, (sps + pps).allSatisfy({ $0.count <= 0xFFFF }) else {
            throw .malformedFLV(offset: 0, reason: "H.264 parameter sets do not fit an avcC record")
        }
        var record: [UInt8] = [1, first[1], first[2], first[3], 0xFF, 0xE0 | UInt8(sps.count)]
        for nal in sps { record += [UInt8(nal.count >> 8), UInt8(nal.count & 0xFF)] + nal }
        record.append(UInt8(pps.count))
        for nal in pps { record += [UInt8(nal.count >> 8), UInt8(nal.count & 0xFF)] + nal }
        return try VideoConfiguration(avcC: record)
    }
}

/// The parts of an HEVC sequence parameter set an `hvcC` record and a picture size need (ITU-T H.265 §7.3.2.2).
struct HEVCSequenceParameterSet {
    /// `general_profile_idc`.
    var profile: Int
    /// `general_level_idc`.
    var level: Int
    /// Display width after the conformance window.
    var width: Int
    /// Display height after the conformance window.
    var height: Int
    /// `chroma_format_idc` (0 monochrome, 1 4:2:0, 2 4:2:2, 3 4:4:4).
    var chromaFormat: Int
    /// `bit_depth_luma_minus8`.
    var bitDepthLumaMinus8: Int
    /// `bit_depth_chroma_minus8`.
    var bitDepthChromaMinus8: Int
    /// `sps_max_sub_layers_minus1 + 1`.
    var maxSubLayers: Int
    /// `sps_temporal_id_nesting_flag`.
    var temporalIdNesting: Bool
    /// `sps_seq_parameter_set_id`.
    var id: Int
    /// The 12 bytes of general profile, tier and level (profile space … general_level_idc), as `hvcC` repeats them.
    var generalProfileTierLevel: [UInt8]

    /// Parses an SPS NAL unit (with its 2-byte NAL header, emulation-prevention bytes still in).
    init(nal: [UInt8]) throws(LiveMediaError) {
        guard nal.count >= 3, (nal[0] >> 1) & 0x3F == VideoConfiguration.HEVCNALType.sequenceParameterSet else {
            throw .malformedFLV(offset: 0, reason: "HEVC SPS NAL unit has the wrong type or is empty")
        }
        let rbsp = BitReader.rbsp(fromNAL: nal.dropFirst(2))
        guard rbsp.count >= 13 else { throw .malformedFLV(offset: 0, reason: "HEVC SPS is truncated") }
        self.generalProfileTierLevel = Array(rbsp[1..<13])
        var reader = BitReader(rbsp)
        _ = try reader.bits(4)  // sps_video_parameter_set_id
        let maxSubLayersMinus1 = Int(try reader.bits(3))
        guard maxSubLayersMinus1 < 7 else { throw .malformedFLV(offset: 0, reason: "HEVC SPS has 8 sub-layers (reserved)") }
        self.maxSubLayers = maxSubLayersMinus1 + 1
        self.temporalIdNesting = try reader.bit() == 1
        // profile_tier_level(1, sps_max_sub_layers_minus1)
        _ = try reader.bits(3)  // general_profile_space, general_tier_flag
        self.profile = Int(try reader.bits(5))
        _ = try reader.bits(32)  // general_profile_compatibility_flags
        _ = try reader.bits(32)  // general constraint flags (48 bits)
        _ = try reader.bits(16)
        self.level = Int(try reader.bits(8))
        var subLayerProfilePresent: [Bool] = []
        var subLayerLevelPresent: [Bool] = []
        for _ in 0..<maxSubLayersMinus1 {
            subLayerProfilePresent.append(try reader.bit() == 1)
            subLayerLevelPresent.append(try reader.bit() == 1)
        }
        if maxSubLayersMinus1 > 0 {
            for _ in maxSubLayersMinus1..<8 { _ = try reader.bits(2) }  // reserved_zero_2bits
        }
        for layer in 0..<maxSubLayersMinus1 {
            if subLayerProfilePresent[layer] {
                _ = try reader.bits(32)  // 88 bits: profile space, tier, idc, compatibility, constraints
                _ = try reader.bits(32)
                _ = try reader.bits(24)
            }
            if subLayerLevelPresent[layer] { _ = try reader.bits(8) }
        }
        self.id = Int(try reader.ue())  // sps_seq_parameter_set_id
        let chromaFormat = try reader.ue()
        guard chromaFormat <= 3 else { throw .malformedFLV(offset: 0, reason: "HEVC SPS chroma_format_idc \(chromaFormat)") }
        var separateColourPlanes = false
        if chromaFormat == 3 { separateColourPlanes = try reader.bit() == 1 }
        self.chromaFormat = Int(chromaFormat)
        let lumaWidth = Int(try reader.ue())
        let lumaHeight = Int(try reader.ue())
        var crop = (left: 0, right: 0, top: 0, bottom: 0)
        if try reader.bit() == 1 {
            crop = (Int(try reader.ue()), Int(try reader.ue()), Int(try reader.ue()), Int(try reader.ue()))
        }
        self.bitDepthLumaMinus8 = Int(try reader.ue())
        self.bitDepthChromaMinus8 = Int(try reader.ue())
        guard self.bitDepthLumaMinus8 <= 8, self.bitDepthChromaMinus8 <= 8 else {
            throw .malformedFLV(offset: 0, reason: "HEVC SPS bit depth out of range")
        }
        let (subWidth, subHeight) =
            switch (chromaFormat, separateColourPlanes) {
            case (1, _): (2, 2)
            case (2, _): (2, 1)
            default: (1, 1)
            }
        self.width = lumaWidth - subWidth * (crop.left + crop.right)
        self.height = lumaHeight - subHeight * (crop.top + crop.bottom)
        guard self.width > 0, self.height > 0, lumaWidth <= 16888, lumaHeight <= 16888 else {
            throw .malformedFLV(offset: 0, reason: "HEVC SPS gives an impossible picture size \(self.width)x\(self.height)")
        }
    }
}
