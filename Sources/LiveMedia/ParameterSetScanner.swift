/// Finds parameter sets (H.264 SPS/PPS, HEVC VPS/SPS/PPS) sent in-band inside video frames, so a change of
/// resolution or coding parameters that arrives without a new sequence header is still seen.
///
/// Cheap by design: it walks the NAL unit length prefixes and one-byte/two-byte NAL headers only and stops at the
/// first coded slice (VCL NAL unit), because parameter sets for a picture always precede its slices.
public enum ParameterSetScanner {
    /// The parameter-set NAL units in front of the first coded slice of `frame`, a length-prefixed access unit;
    /// `nil` when there are none or the length prefixes do not add up (a damaged frame is not a parameter change).
    public static func parameterSets(
        in frame: [UInt8], codec: VideoConfiguration.Codec, nalLengthSize: Int = 4
    ) -> [[UInt8]]? {
        guard (1...4).contains(nalLengthSize) else { return nil }
        var found: [[UInt8]] = []
        var index = 0
        while index + nalLengthSize <= frame.count {
            var length = 0
            for byte in frame[index..<(index + nalLengthSize)] { length = length << 8 | Int(byte) }
            index += nalLengthSize
            guard length > 0, length <= frame.count - index else { return nil }
            let header = frame[index]
            switch codec {
            case .h264:
                let type = header & 0x1F
                if (1...5).contains(type) { return found.isEmpty ? nil : found }
                if type == 7 || type == 8 { found.append(Array(frame[index..<(index + length)])) }
            case .hevc:
                let type = (header >> 1) & 0x3F
                if type < 32 { return found.isEmpty ? nil : found }
                if (32...34).contains(type), length >= 3 { found.append(Array(frame[index..<(index + length)])) }
            }
            index += length
        }
        return found.isEmpty ? nil : found
    }
}

extension VideoConfiguration {
    /// The configuration that `packet`'s in-band parameter sets describe, when they differ from this one; `nil` when
    /// the packet carries no parameter sets or only the ones already known.
    ///
    /// In-band sets replace the known set of the same kind and id (a new PPS alone keeps the current SPS and VPS),
    /// so a stream that repeats its SPS/PPS in every keyframe is not a change. Call it on video keyframes.
    /// - Throws: ``LiveMediaError/malformedFLV(offset:reason:)`` when the merged parameter sets are invalid (an
    ///   unparsable SPS).
    public func changedByInBandParameterSets(in packet: MediaPacket) throws(LiveMediaError) -> VideoConfiguration? {
        guard packet.track == .video,
            let inBand = ParameterSetScanner.parameterSets(in: packet.data, codec: self.codec, nalLengthSize: self.nalLengthSize)
        else { return nil }
        // The common case, a stream repeating its sets before every keyframe, costs a byte comparison.
        if inBand.allSatisfy({ self.parameterSets.contains($0) }) { return nil }
        let merged = Self.merge(inBand, into: self.parameterSets, codec: self.codec)
        guard merged != self.parameterSets else { return nil }
        switch self.codec {
        case .h264: return try .h264(parameterSets: merged)
        case .hevc: return try .hevc(parameterSets: merged)
        }
    }

    /// `current` with each of `updates` replacing the set of the same NAL type and id, or added after its kind.
    static func merge(_ updates: [[UInt8]], into current: [[UInt8]], codec: Codec) -> [[UInt8]] {
        var merged = current
        for update in updates {
            let key = ParameterSetKey(update, codec: codec)
            if let existing = merged.firstIndex(where: { ParameterSetKey($0, codec: codec) == key }) {
                merged[existing] = update
            } else if let after = merged.lastIndex(where: { ParameterSetKey($0, codec: codec).rank <= key.rank }) {
                merged.insert(update, at: after + 1)
            } else {
                merged.insert(update, at: 0)
            }
        }
        return merged
    }
}

/// Identifies a parameter set by kind (VPS < SPS < PPS) and its id, so a newer one replaces the one it redefines.
struct ParameterSetKey: Equatable {
    /// 0 VPS, 1 SPS, 2 PPS, 3 anything else.
    var rank: Int
    /// The set's own id (`*_parameter_set_id`), or -1 when it cannot be read.
    var id: Int

    init(_ nal: [UInt8], codec: VideoConfiguration.Codec) {
        switch codec {
        case .h264:
            let type = (nal.first ?? 0) & 0x1F
            switch type {
            case 7:
                self.rank = 1
                // profile_idc, constraint flags, level_idc, then seq_parameter_set_id.
                var reader = BitReader(BitReader.rbsp(fromNAL: nal.dropFirst().prefix(16)))
                self.id = (try? reader.bits(24)).flatMap { _ in try? reader.ue() }.map(Int.init) ?? -1
            case 8:
                self.rank = 2
                var reader = BitReader(BitReader.rbsp(fromNAL: nal.dropFirst().prefix(8)))
                self.id = (try? reader.ue()).map(Int.init) ?? -1
            default:
                self.rank = 3
                self.id = -1
            }
        case .hevc:
            let type = ((nal.first ?? 0) >> 1) & 0x3F
            switch type {
            case VideoConfiguration.HEVCNALType.videoParameterSet:
                self.rank = 0
                self.id = nal.count > 2 ? Int(nal[2] >> 4) : -1
            case VideoConfiguration.HEVCNALType.sequenceParameterSet:
                self.rank = 1
                self.id = (try? HEVCSequenceParameterSet(nal: nal)).map(\.id) ?? -1
            case VideoConfiguration.HEVCNALType.pictureParameterSet:
                self.rank = 2
                var reader = BitReader(BitReader.rbsp(fromNAL: nal.dropFirst(2).prefix(8)))
                self.id = (try? reader.ue()).map(Int.init) ?? -1
            default:
                self.rank = 3
                self.id = -1
            }
        }
    }
}
