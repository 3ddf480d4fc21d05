/// Serialises FLV: the file header and tags for AVC video and AAC audio.
///
/// Used by the simulator's CDN and by tests that need FLV input. Pure byte building; no I/O.
public enum FLVTagWriter {
    /// The 9-byte FLV header (audio + video) plus `PreviousTagSize0`.
    public static let fileHeader: [UInt8] = [0x46, 0x4C, 0x56, 0x01, 0x05, 0, 0, 0, 9, 0, 0, 0, 0]

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

    /// An AVC sequence header tag body for `avcC`.
    public static func avcSequenceHeader(_ avcC: [UInt8]) -> [UInt8] {
        [0x17, 0, 0, 0, 0] + avcC
    }

    /// An AVC frame tag body: length-prefixed NAL units with a composition offset in ms.
    public static func avcFrame(_ nalUnits: [UInt8], keyframe: Bool, compositionTime: Int32) -> [UInt8] {
        let cts = UInt32(bitPattern: compositionTime) & 0xFF_FFFF
        return [keyframe ? 0x17 : 0x27, 1, UInt8(cts >> 16), UInt8((cts >> 8) & 0xFF), UInt8(cts & 0xFF)] + nalUnits
    }

    /// An AAC sequence header tag body.
    public static func aacSequenceHeader(_ audioSpecificConfig: [UInt8]) -> [UInt8] {
        [0xAF, 0] + audioSpecificConfig
    }

    /// An AAC frame tag body.
    public static func aacFrame(_ frame: [UInt8]) -> [UInt8] {
        [0xAF, 1] + frame
    }
}
