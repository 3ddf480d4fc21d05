/// Turns FLV tags into codec configurations and media packets (AVC video, AAC audio).
///
/// HEVC (codec id 12 and enhanced-FLV FourCCs) is recognised and reported as unsupported for now.
public struct FLVDemuxer: Sendable {
    /// What one tag meant.
    public enum Output: Sendable {
        /// A new H.264 decoder configuration (sequence header).
        case videoConfiguration(VideoConfiguration)
        /// A new AAC configuration (sequence header).
        case audioConfiguration(AACConfiguration)
        /// A frame.
        case packet(MediaPacket)
    }

    /// Creates a demuxer.
    public init() {}

    /// Interprets one tag; script tags, end-of-sequence markers and empty tags give `nil`.
    /// - Throws: ``LiveMediaError`` for codecs we cannot record or malformed headers.
    public func demux(_ tag: FLVTag) throws(LiveMediaError) -> Output? {
        switch tag.kind {
        case .script:
            return nil
        case .video:
            return try self.demuxVideo(tag)
        case .audio:
            return try self.demuxAudio(tag)
        }
    }

    private func demuxVideo(_ tag: FLVTag) throws(LiveMediaError) -> Output? {
        let body = tag.body
        guard body.count >= 1 else { return nil }
        if body[0] & 0x80 != 0 {
            throw .unsupportedCodec("enhanced-FLV video (HEVC/AV1 FourCC); HEVC recording is not implemented yet")
        }
        let frameType = body[0] >> 4
        let codecID = body[0] & 0x0F
        guard codecID == 7 else {
            throw .unsupportedCodec(codecID == 12 ? "HEVC in FLV (codec id 12); not implemented yet" : "FLV video codec id \(codecID)")
        }
        guard frameType != 5 else { return nil }  // video info/command frame
        guard body.count >= 5 else { throw .malformedFLV(offset: 0, reason: "AVC video tag shorter than 5 bytes") }
        let packetType = body[1]
        var compositionTime = Int32(body[2]) << 16 | Int32(body[3]) << 8 | Int32(body[4])
        if compositionTime & 0x80_0000 != 0 { compositionTime -= 0x100_0000 }  // SI24
        switch packetType {
        case 0:
            return .videoConfiguration(try VideoConfiguration(avcC: Array(body[5...])))
        case 1:
            guard body.count > 5 else { return nil }
            let dts = Int64(tag.timestamp)
            return .packet(
                MediaPacket(
                    track: .video, dts: dts, pts: dts + Int64(compositionTime), isKeyframe: frameType == 1,
                    data: Array(body[5...])
                )
            )
        default:
            return nil  // end of sequence
        }
    }

    private func demuxAudio(_ tag: FLVTag) throws(LiveMediaError) -> Output? {
        let body = tag.body
        guard body.count >= 2 else { return nil }
        let format = body[0] >> 4
        guard format == 10 else { throw .unsupportedCodec("FLV audio format \(format) (only AAC is supported)") }
        if body[1] == 0 {
            return .audioConfiguration(try AACConfiguration(audioSpecificConfig: Array(body[2...])))
        }
        guard body.count > 2 else { return nil }
        let dts = Int64(tag.timestamp)
        return .packet(MediaPacket(track: .audio, dts: dts, pts: dts, isKeyframe: true, data: Array(body[2...])))
    }
}
