import LiveMedia

/// Turns encoded packets into the FLV tags the simulated CDN sends, in a room's codec and HEVC form, remembering
/// where each tag starts so pre-serialised tags can get new timestamps (``LoopedGOP``).
enum FLVChunkBuilder {
    /// Serialised tags and, for each, the offset of its header and its timestamp (ms).
    struct Tags: Sendable {
        var bytes: [UInt8] = []
        var tags: [(offset: Int, timestamp: Int64)] = []
        var isKeyframe = false

        var firstTimestamp: Int64? { self.tags.first?.timestamp }
        var lastTimestamp: Int64? { self.tags.last?.timestamp }

        mutating func append(kind: FLVTag.Kind, timestamp: Int64, body: [UInt8]) {
            self.tags.append((self.bytes.count, timestamp))
            self.bytes += FLVTagWriter.tag(kind: kind, timestamp: UInt32(truncatingIfNeeded: timestamp), body: body)
        }
    }

    /// What a new viewer gets first: the FLV header and the video and audio sequence headers at timestamp 0.
    static func headers(_ video: SimulatorScenario.Video, configuration: VideoConfiguration, audioSpecificConfig: [UInt8]) -> [UInt8] {
        FLVTagWriter.fileHeader + self.videoSequenceHeader(video, configuration: configuration, timestamp: 0)
            + FLVTagWriter.tag(kind: .audio, timestamp: 0, body: FLVTagWriter.aacSequenceHeader(audioSpecificConfig))
    }

    /// A video sequence header tag for `configuration`, in the room's codec and HEVC form.
    static func videoSequenceHeader(_ video: SimulatorScenario.Video, configuration: VideoConfiguration, timestamp: Int64) -> [UInt8] {
        let record = configuration.decoderConfigurationRecord
        let body =
            configuration.codec == .h264
            ? FLVTagWriter.avcSequenceHeader(record) : FLVTagWriter.hevcSequenceHeader(record, form: video.hevcForm)
        return FLVTagWriter.tag(kind: .video, timestamp: UInt32(truncatingIfNeeded: timestamp), body: body)
    }

    /// Tags for `packets` (those before `minimumDTS` left out, as FLV timestamps are unsigned), timestamps moved by
    /// `offset`. With `inBand`, the first keyframe starts with that configuration's parameter sets (VPS/SPS/PPS), as
    /// an encoder that repeats them does after a change.
    static func tags(
        _ packets: [MediaPacket], video: SimulatorScenario.Video, offset: Int64 = 0, minimumDTS: Int64 = 0,
        inBand: VideoConfiguration? = nil
    ) -> Tags {
        var tags = Tags()
        var inBand = inBand
        for packet in packets where packet.dts >= minimumDTS {
            let timestamp = packet.dts + offset
            guard packet.track == .video else {
                tags.append(kind: .audio, timestamp: timestamp, body: FLVTagWriter.aacFrame(packet.data))
                continue
            }
            var data = packet.data
            if packet.isKeyframe, let configuration = inBand {
                data = self.lengthPrefixed(configuration.parameterSets) + data
                inBand = nil
            }
            tags.isKeyframe = tags.isKeyframe || packet.isKeyframe
            let cts = Int32(clamping: packet.pts - packet.dts)
            let body =
                video.codec == .h264
                ? FLVTagWriter.avcFrame(data, keyframe: packet.isKeyframe, compositionTime: cts)
                : FLVTagWriter.hevcFrame(data, keyframe: packet.isKeyframe, compositionTime: cts, form: video.hevcForm)
            tags.append(kind: .video, timestamp: timestamp, body: body)
        }
        return tags
    }

    /// NAL units with 4-byte big-endian length prefixes.
    static func lengthPrefixed(_ units: [[UInt8]]) -> [UInt8] {
        var out: [UInt8] = []
        for unit in units {
            let count = UInt32(unit.count)
            out += [UInt8(count >> 24), UInt8((count >> 16) & 0xFF), UInt8((count >> 8) & 0xFF), UInt8(count & 0xFF)] + unit
        }
        return out
    }
}
