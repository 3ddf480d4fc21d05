/// Serialises FLV: the file header and tags for H.264 or HEVC video and AAC audio.
///
/// HEVC comes in the two forms CDNs use: the legacy codec id 12 (the AVC tag layout with codec id 12 instead of 7,
/// as TikTok's and other Chinese CDNs send it) and Enhanced RTMP v1 ("enhanced FLV": the `0x80` flag, a packet type
/// and the FourCC `hvc1`). Used by the simulator's CDN and by tests that need FLV input. Pure byte building; no I/O.
public enum FLVTagWriter {
    /// How an HEVC stream is signalled in FLV video tags.
    public enum HEVCForm: String, Sendable, Hashable, CaseIterable {
        /// The AVC layout with codec id 12: `[frameType << 4 | 12, packetType, cts(3)]`.
        case codecID12
        /// Enhanced RTMP v1: `[0x80 | frameType << 4 | packetType, "hvc1", …]`.
        case enhanced
    }

    /// The 9-byte FLV header (audio + video) plus `PreviousTagSize0`.
    public static let fileHeader: [UInt8] = [0x46, 0x4C, 0x56, 0x01, 0x05, 0, 0, 0, 9, 0, 0, 0, 0]

    /// The FLV video codec id of HEVC in the legacy (non-enhanced) form.
    public static let hevcCodecID: UInt8 = 12

    /// The Enhanced RTMP FourCC of HEVC.
    public static let hevcFourCC: [UInt8] = Array("hvc1".utf8)

    /// One complete tag including its trailing `PreviousTagSize`.
    public static func tag(kind: FLVTag.Kind, timestamp: UInt32, body: [UInt8]) -> [UInt8] {
        let size = body.count
        var out: [UInt8] = [
            kind.rawValue, UInt8((size >> 16) & 0xFF), UInt8((size >> 8) & 0xFF), UInt8(size & 0xFF),
            UInt8((timestamp >> 16) & 0xFF), UInt8((timestamp >> 8) & 0xFF), UInt8(timestamp & 0xFF),
            UInt8(timestamp >> 24), 0, 0, 0,
        ]
        out.reserveCapacity(11 + size + 4)
        out += body
        let previous = UInt32(11 + size)
        out += [UInt8(previous >> 24), UInt8((previous >> 16) & 0xFF), UInt8((previous >> 8) & 0xFF), UInt8(previous & 0xFF)]
        return out
    }

    /// Overwrites the timestamp of the tag whose header starts at `offset` in `bytes` (the 3 low bytes, then the
    /// extension byte), so pre-serialised tags can be re-sent with new timestamps.
    public static func patchTimestamp(_ bytes: inout [UInt8], tagAt offset: Int, timestamp: UInt32) {
        bytes[offset + 4] = UInt8((timestamp >> 16) & 0xFF)
        bytes[offset + 5] = UInt8((timestamp >> 8) & 0xFF)
        bytes[offset + 6] = UInt8(timestamp & 0xFF)
        bytes[offset + 7] = UInt8(timestamp >> 24)
    }

    /// An AVC sequence header tag body for `avcC`.
    public static func avcSequenceHeader(_ avcC: [UInt8]) -> [UInt8] {
        [0x17, 0, 0, 0, 0] + avcC
    }

    /// An AVC frame tag body: length-prefixed NAL units with a composition offset in ms.
    public static func avcFrame(_ nalUnits: [UInt8], keyframe: Bool, compositionTime: Int32) -> [UInt8] {
        [keyframe ? 0x17 : 0x27, 1] + self.si24(compositionTime) + nalUnits
    }

    /// An HEVC sequence header tag body for `hvcC`, in `form`.
    public static func hevcSequenceHeader(_ hvcC: [UInt8], form: HEVCForm) -> [UInt8] {
        switch form {
        case .codecID12: [0x10 | self.hevcCodecID, 0, 0, 0, 0] + hvcC
        // Frame type 1 (key), packet type 0 (SequenceStart).
        case .enhanced: [0x80 | 0x10 | 0] + self.hevcFourCC + hvcC
        }
    }

    /// An HEVC frame tag body in `form`: length-prefixed NAL units with a composition offset in ms. The enhanced
    /// form uses packet type 3 (CodedFramesX, no composition offset) when the offset is 0, else 1 (CodedFrames).
    public static func hevcFrame(_ nalUnits: [UInt8], keyframe: Bool, compositionTime: Int32, form: HEVCForm) -> [UInt8] {
        let frameType: UInt8 = keyframe ? 1 : 2
        switch form {
        case .codecID12:
            return [frameType << 4 | self.hevcCodecID, 1] + self.si24(compositionTime) + nalUnits
        case .enhanced where compositionTime == 0:
            return [0x80 | frameType << 4 | 3] + self.hevcFourCC + nalUnits
        case .enhanced:
            return [0x80 | frameType << 4 | 1] + self.hevcFourCC + self.si24(compositionTime) + nalUnits
        }
    }

    /// An AAC sequence header tag body.
    public static func aacSequenceHeader(_ audioSpecificConfig: [UInt8]) -> [UInt8] {
        [0xAF, 0] + audioSpecificConfig
    }

    /// An AAC frame tag body.
    public static func aacFrame(_ frame: [UInt8]) -> [UInt8] {
        [0xAF, 1] + frame
    }

    /// A signed 24-bit big-endian value (FLV's composition time).
    private static func si24(_ value: Int32) -> [UInt8] {
        let bits = UInt32(bitPattern: value) & 0xFF_FFFF
        return [UInt8(bits >> 16), UInt8((bits >> 8) & 0xFF), UInt8(bits & 0xFF)]
    }
}
