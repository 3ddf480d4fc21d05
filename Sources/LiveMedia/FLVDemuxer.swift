/// Turns FLV tags into codec configurations and media packets: H.264 (codec id 7), HEVC (codec id 12, the AVC
/// layout that TikTok's CDN uses, and Enhanced RTMP v1 with the FourCC `hvc1`; `avc1` is accepted there too) and AAC.
///
/// Stateless: each tag is interpreted on its own. Errors name the tag's byte offset in the stream.
public struct FLVDemuxer: Sendable {
    /// What one tag meant.
    public enum Output: Sendable {
        /// A new H.264 or HEVC decoder configuration (sequence header).
        case videoConfiguration(VideoConfiguration)
        /// A new AAC configuration (sequence header).
        case audioConfiguration(AACConfiguration)
        /// A frame.
        case packet(MediaPacket)

        /// The same thing as a ``MediaInputEvent``.
        public var event: MediaInputEvent {
            switch self {
            case .videoConfiguration(let configuration): .videoConfiguration(configuration)
            case .audioConfiguration(let configuration): .audioConfiguration(configuration)
            case .packet(let packet): .packet(packet)
            }
        }
    }

    /// FLV video codec ids (the low nibble of a legacy video tag's first byte).
    private enum CodecID {
        static let avc: UInt8 = 7
        static let hevc: UInt8 = 12
    }

    /// Creates a demuxer.
    public init() {}

    /// Interprets one tag; script tags, end-of-sequence markers, command frames, metadata and empty tags give `nil`.
    /// - Throws: ``LiveMediaError/unsupportedCodec(_:)`` naming the codec id or FourCC for codecs we cannot record,
    ///   ``LiveMediaError/malformedFLV(offset:reason:)`` (at the tag's offset) for malformed headers and records.
    public func demux(_ tag: FLVTag) throws(LiveMediaError) -> Output? {
        do {
            switch tag.kind {
            case .script:
                return nil
            case .video:
                return try self.demuxVideo(tag)
            case .audio:
                return try self.demuxAudio(tag)
            }
        } catch .malformedFLV(let offset, let reason) where offset == 0 && tag.offset != 0 {
            throw .malformedFLV(offset: tag.offset, reason: reason)
        }
    }

    private func demuxVideo(_ tag: FLVTag) throws(LiveMediaError) -> Output? {
        let body = tag.body
        guard let first = body.first else { return nil }
        if first & 0x80 != 0 { return try self.demuxEnhancedVideo(tag) }
        let frameType = first >> 4
        let codecID = first & 0x0F
        guard frameType != 5 else { return nil }  // video info/command frame
        let codec: VideoConfiguration.Codec
        switch codecID {
        case CodecID.avc: codec = .h264
        case CodecID.hevc: codec = .hevc
        default: throw .unsupportedCodec(Self.legacyCodecName(codecID))
        }
        guard body.count >= 5 else {
            throw .malformedFLV(offset: tag.offset, reason: "\(codec.rawValue) video tag shorter than 5 bytes")
        }
        var compositionTime = Int32(body[2]) << 16 | Int32(body[3]) << 8 | Int32(body[4])
        if compositionTime & 0x80_0000 != 0 { compositionTime -= 0x100_0000 }  // SI24
        switch body[1] {
        case 0:
            return .videoConfiguration(try Self.configuration(codec, record: Array(body[5...])))
        case 1:
            return Self.frame(tag, payloadStart: 5, compositionTime: compositionTime, keyframe: frameType == 1)
        default:
            return nil  // end of sequence
        }
    }

    /// Enhanced RTMP v1: `[IsExHeader | FrameType(3) | PacketType(4)] FourCC(4) …`.
    private func demuxEnhancedVideo(_ tag: FLVTag) throws(LiveMediaError) -> Output? {
        let body = tag.body
        let frameType = (body[0] >> 4) & 0x07
        let packetType = body[0] & 0x0F
        guard frameType != 5 else { return nil }  // command frame
        guard body.count >= 5 else {
            throw .malformedFLV(offset: tag.offset, reason: "enhanced-FLV video tag shorter than its FourCC")
        }
        let fourCC = String(decoding: body[1..<5].map { (0x20...0x7E).contains($0) ? $0 : UInt8(ascii: "?") }, as: UTF8.self)
        let codec: VideoConfiguration.Codec
        switch fourCC {
        case "hvc1": codec = .hevc
        case "avc1": codec = .h264
        case "av01": throw .unsupportedCodec("AV1 in enhanced FLV (FourCC 'av01'); only H.264 and HEVC can be recorded")
        case "vp09": throw .unsupportedCodec("VP9 in enhanced FLV (FourCC 'vp09'); only H.264 and HEVC can be recorded")
        default: throw .unsupportedCodec("enhanced-FLV video FourCC '\(fourCC)'; only 'hvc1' and 'avc1' can be recorded")
        }
        switch packetType {
        case 0:  // SequenceStart
            return .videoConfiguration(try Self.configuration(codec, record: Array(body[5...])))
        case 1:  // CodedFrames, with an SI24 composition time
            guard body.count >= 8 else {
                throw .malformedFLV(offset: tag.offset, reason: "enhanced-FLV CodedFrames tag ends inside its composition time")
            }
            var compositionTime = Int32(body[5]) << 16 | Int32(body[6]) << 8 | Int32(body[7])
            if compositionTime & 0x80_0000 != 0 { compositionTime -= 0x100_0000 }
            return Self.frame(tag, payloadStart: 8, compositionTime: compositionTime, keyframe: frameType == 1)
        case 3:  // CodedFramesX: composition time 0
            return Self.frame(tag, payloadStart: 5, compositionTime: 0, keyframe: frameType == 1)
        case 2, 4, 5:  // SequenceEnd, Metadata (HDR info), MPEG2TSSequenceStart: nothing to record
            return nil
        default:
            throw .unsupportedCodec("enhanced-FLV video packet type \(packetType) (multitrack or a later extension)")
        }
    }

    private static func configuration(_ codec: VideoConfiguration.Codec, record: [UInt8]) throws(LiveMediaError) -> VideoConfiguration {
        switch codec {
        case .h264: try VideoConfiguration(avcC: record)
        case .hevc: try VideoConfiguration(hvcC: record)
        }
    }

    private static func frame(_ tag: FLVTag, payloadStart: Int, compositionTime: Int32, keyframe: Bool) -> Output? {
        guard tag.body.count > payloadStart else { return nil }
        let dts = Int64(tag.timestamp)
        return .packet(
            MediaPacket(
                track: .video, dts: dts, pts: dts + Int64(compositionTime), isKeyframe: keyframe,
                data: Array(tag.body[payloadStart...])
            )
        )
    }

    private static func legacyCodecName(_ codecID: UInt8) -> String {
        let name =
            switch codecID {
            case 2: "Sorenson H.263"
            case 3: "Screen video"
            case 4: "On2 VP6"
            case 5: "On2 VP6 with alpha"
            case 6: "Screen video v2"
            case 13: "AV1 (codec id 13)"
            default: "unknown"
            }
        return "FLV video codec id \(codecID) (\(name)); only H.264 (7) and HEVC (12 or enhanced 'hvc1') can be recorded"
    }

    private func demuxAudio(_ tag: FLVTag) throws(LiveMediaError) -> Output? {
        let body = tag.body
        guard body.count >= 2 else { return nil }
        let format = body[0] >> 4
        guard format == 10 else {
            let name =
                switch format {
                case 2: "MP3"
                case 9: "enhanced-FLV audio (ExHeader)"
                case 11: "Speex"
                case 14: "MP3 8 kHz"
                default: "format \(format)"
                }
            throw .unsupportedCodec("FLV audio \(name); only AAC (10) can be recorded")
        }
        if body[1] == 0 {
            return .audioConfiguration(try AACConfiguration(audioSpecificConfig: Array(body[2...])))
        }
        guard body.count > 2 else { return nil }
        let dts = Int64(tag.timestamp)
        return .packet(MediaPacket(track: .audio, dts: dts, pts: dts, isKeyframe: true, data: Array(body[2...])))
    }
}
