/// An H.264 decoder configuration: the `avcC` record and what its first SPS says.
public struct H264Configuration: Sendable, Equatable {
    /// The AVCDecoderConfigurationRecord, exactly as carried in FLV and MP4.
    public var avcC: [UInt8]
    /// Display width in pixels (after cropping).
    public var width: Int
    /// Display height in pixels (after cropping).
    public var height: Int
    /// `profile_idc` of the first SPS.
    public var profile: Int
    /// `level_idc` of the first SPS.
    public var level: Int
    /// Every SPS, then every PPS, as NAL units.
    public var parameterSets: [[UInt8]]

    /// Parses an `avcC` record and its first SPS.
    /// - Throws: ``LiveMediaError/malformedFLV(offset:reason:)`` when the record or SPS is invalid.
    public init(avcC: [UInt8]) throws(LiveMediaError) {
        guard avcC.count >= 8, avcC[0] == 1 else {
            throw .malformedFLV(offset: 0, reason: "AVC sequence header is not an avcC record")
        }
        let spsCount = Int(avcC[5] & 0x1F)
        guard spsCount >= 1 else { throw .malformedFLV(offset: 0, reason: "avcC record has no SPS") }
        let spsLength = Int(avcC[6]) << 8 | Int(avcC[7])
        guard avcC.count >= 8 + spsLength, spsLength >= 4 else {
            throw .malformedFLV(offset: 0, reason: "avcC SPS length \(spsLength) overruns the record")
        }
        let sps = try H264SequenceParameterSet(nal: Array(avcC[8..<(8 + spsLength)]))
        self.parameterSets = try Self.parameterSets(inAVCC: avcC)
        self.avcC = avcC
        self.width = sps.width
        self.height = sps.height
        self.profile = sps.profile
        self.level = sps.level
    }

    /// The SPS and PPS NAL units listed in an `avcC` record.
    static func parameterSets(inAVCC avcC: [UInt8]) throws(LiveMediaError) -> [[UInt8]] {
        var sets: [[UInt8]] = []
        var index = 5
        for round in 0..<2 {
            guard index < avcC.count else {
                throw .malformedFLV(offset: 0, reason: "avcC record ends before its parameter set count")
            }
            let count = Int(avcC[index]) & (round == 0 ? 0x1F : 0xFF)
            index += 1
            for _ in 0..<count {
                guard index + 2 <= avcC.count else { throw .malformedFLV(offset: 0, reason: "avcC record is truncated") }
                let length = Int(avcC[index]) << 8 | Int(avcC[index + 1])
                index += 2
                guard index + length <= avcC.count else {
                    throw .malformedFLV(offset: 0, reason: "avcC parameter set length \(length) overruns the record")
                }
                sets.append(Array(avcC[index..<(index + length)]))
                index += length
            }
        }
        return sets
    }

    /// Builds an `avcC` record from Annex B parameter sets (as libx264 writes its global header).
    public static func avcC(fromAnnexB bytes: [UInt8]) -> [UInt8]? {
        let nals = AnnexB.nalUnits(bytes)
        let sps = nals.filter { ($0.first ?? 0) & 0x1F == 7 }.map { Array($0) }
        let pps = nals.filter { ($0.first ?? 0) & 0x1F == 8 }.map { Array($0) }
        guard let first = sps.first, first.count >= 4 else { return nil }
        var record: [UInt8] = [1, first[1], first[2], first[3], 0xFF, 0xE0 | UInt8(sps.count)]
        for nal in sps { record += [UInt8(nal.count >> 8), UInt8(nal.count & 0xFF)] + nal }
        record.append(UInt8(pps.count))
        for nal in pps { record += [UInt8(nal.count >> 8), UInt8(nal.count & 0xFF)] + nal }
        return record
    }
}

/// The parts of an H.264 sequence parameter set that size the picture (ITU-T H.264 §7.3.2.1.1).
struct H264SequenceParameterSet {
    var profile: Int
    var level: Int
    var width: Int
    var height: Int

    init(nal: [UInt8]) throws(LiveMediaError) {
        var reader = BitReader(BitReader.rbsp(fromNAL: nal.dropFirst()))
        let profile = Int(try reader.bits(8))
        _ = try reader.bits(8)  // constraint flags
        self.level = Int(try reader.bits(8))
        self.profile = profile
        _ = try reader.ue()  // seq_parameter_set_id
        var chromaFormat: UInt32 = 1
        if [100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135].contains(profile) {
            chromaFormat = try reader.ue()
            if chromaFormat == 3 { _ = try reader.bit() }  // separate_colour_plane_flag
            _ = try reader.ue()  // bit_depth_luma_minus8
            _ = try reader.ue()  // bit_depth_chroma_minus8
            _ = try reader.bit()  // qpprime_y_zero_transform_bypass_flag
            if try reader.bit() == 1 {  // seq_scaling_matrix_present_flag
                for list in 0..<(chromaFormat == 3 ? 12 : 8) where try reader.bit() == 1 {
                    var last: Int32 = 8
                    var next: Int32 = 8
                    for _ in 0..<(list < 6 ? 16 : 64) {
                        if next != 0 { next = (last + (try reader.se()) + 256) % 256 }
                        last = next == 0 ? last : next
                    }
                }
            }
        }
        _ = try reader.ue()  // log2_max_frame_num_minus4
        let pocType = try reader.ue()
        if pocType == 0 {
            _ = try reader.ue()
        } else if pocType == 1 {
            _ = try reader.bit()
            _ = try reader.se()
            _ = try reader.se()
            let cycle = try reader.ue()
            guard cycle < 256 else { throw .malformedFLV(offset: 0, reason: "SPS POC cycle too long") }
            for _ in 0..<cycle { _ = try reader.se() }
        }
        _ = try reader.ue()  // max_num_ref_frames
        _ = try reader.bit()  // gaps_in_frame_num_value_allowed_flag
        let widthInMacroblocks = Int(try reader.ue()) + 1
        let heightInMapUnits = Int(try reader.ue()) + 1
        let frameMacroblocksOnly = Int(try reader.bit())
        if frameMacroblocksOnly == 0 { _ = try reader.bit() }
        _ = try reader.bit()  // direct_8x8_inference_flag
        var crop = (left: 0, right: 0, top: 0, bottom: 0)
        if try reader.bit() == 1 {
            crop = (Int(try reader.ue()), Int(try reader.ue()), Int(try reader.ue()), Int(try reader.ue()))
        }
        let subWidth = chromaFormat == 1 || chromaFormat == 2 ? 2 : 1
        let subHeight = chromaFormat == 1 ? 2 : 1
        let cropUnitX = chromaFormat == 0 ? 1 : subWidth
        let cropUnitY = (chromaFormat == 0 ? 1 : subHeight) * (2 - frameMacroblocksOnly)
        self.width = widthInMacroblocks * 16 - (crop.left + crop.right) * cropUnitX
        self.height = (2 - frameMacroblocksOnly) * heightInMapUnits * 16 - (crop.top + crop.bottom) * cropUnitY
        guard self.width > 0, self.height > 0, self.width <= 16384, self.height <= 16384 else {
            throw .malformedFLV(offset: 0, reason: "SPS gives an impossible picture size \(self.width)x\(self.height)")
        }
    }
}

/// Annex B byte streams (start-code delimited NAL units), as encoders emit them.
public enum AnnexB {
    /// Splits an Annex B stream into NAL units (without start codes).
    public static func nalUnits(_ bytes: [UInt8]) -> [ArraySlice<UInt8>] {
        var units: [ArraySlice<UInt8>] = []
        var index = 0
        var start: Int? = nil
        while index + 2 < bytes.count {
            if bytes[index] == 0, bytes[index + 1] == 0, bytes[index + 2] == 1 {
                if let unitStart = start {
                    var end = index
                    if end > unitStart, bytes[end - 1] == 0 { end -= 1 }
                    units.append(bytes[unitStart..<end])
                }
                index += 3
                start = index
            } else {
                index += 1
            }
        }
        if let unitStart = start, unitStart < bytes.count { units.append(bytes[unitStart...]) }
        return units
    }

    /// Converts an Annex B access unit to 4-byte length-prefixed NAL units (the FLV/MP4 form).
    public static func lengthPrefixed(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 16)
        for nal in self.nalUnits(bytes) {
            let count = UInt32(nal.count)
            out += [UInt8(count >> 24), UInt8((count >> 16) & 0xFF), UInt8((count >> 8) & 0xFF), UInt8(count & 0xFF)]
            out += nal
        }
        return out
    }
}
