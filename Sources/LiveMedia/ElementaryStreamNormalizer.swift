import CLibAV

/// Turns libavformat packets into ``MediaInputEvent``s in the form every input delivers: length-prefixed video
/// with a ``VideoConfiguration`` announced before the first frame and again whenever in-band parameter sets change,
/// raw AAC with an ``AACConfiguration`` announced whenever it changes (built from ADTS headers for MPEG-TS), and
/// millisecond timestamps.
///
/// Keeps its state across demuxers, so an HLS input that opens one demuxer per segment announces a configuration
/// only when it really changes. Video before the first parameter sets is dropped (nothing can decode it).
/// Confined to the input's thread.
final class ElementaryStreamNormalizer {
    /// Names the source in errors.
    let source: String
    /// Whether to undo MPEG-TS 33-bit timestamp wraps across demuxers (a live HLS stream running for over 26 hours).
    let unwrapTimestamps: Bool
    private(set) var video: VideoConfiguration?
    private(set) var audio: AACConfiguration?
    private var lastVideoExtradata: [UInt8] = []
    private var lastAudioExtradata: [UInt8] = []
    private var unwrapOffset: [MediaPacket.Track: Int64] = [:]
    private var lastTicks: [MediaPacket.Track: Int64] = [:]
    private var lastDTS: [MediaPacket.Track: Int64] = [:]
    /// Video frames dropped because no parameter sets had been seen yet.
    private(set) var droppedVideoFrames = 0

    private static let millisecond = AVRational(num: 1, den: 1000)

    /// Creates a normalizer for the input named `source`.
    init(source: String, unwrapTimestamps: Bool) {
        self.source = source
        self.unwrapTimestamps = unwrapTimestamps
    }

    /// Converts one demuxed packet and hands the resulting events to `emit`.
    /// - Throws: ``LiveMediaError`` for damaged parameter sets or ADTS headers, or what `emit` throws.
    func take(_ packet: LibAVDemuxer.Packet, emit: (MediaInputEvent) throws -> Void) throws {
        guard let (dts, pts) = self.milliseconds(packet) else { return }
        do {
            switch packet.track {
            case .video: try self.takeVideo(packet, dts: dts, pts: pts, emit: emit)
            case .audio: try self.takeAudio(packet, dts: dts, emit: emit)
            }
        } catch LiveMediaError.malformedFLV(_, let reason) {
            throw MediaInputFailure.invalidData(self.source, "\(packet.track) at \(dts) ms: \(reason)")
        }
    }

    private func takeVideo(_ packet: LibAVDemuxer.Packet, dts: Int64, pts: Int64, emit: (MediaInputEvent) throws -> Void) throws {
        let codec = packet.videoCodec
        let data: [UInt8]
        if packet.extradata.first == 1 {
            // An avcC/hvcC record: the frames are already length-prefixed (MP4, MKV, FLV through libav).
            if packet.extradata != self.lastVideoExtradata || self.video?.codec != codec {
                let configuration =
                    switch codec {
                    case .h264: try VideoConfiguration(avcC: packet.extradata)
                    case .hevc: try VideoConfiguration(hvcC: packet.extradata)
                    }
                self.lastVideoExtradata = packet.extradata
                if self.video.map({ !$0.sameParameters(as: configuration) }) ?? true {
                    self.video = configuration
                    try emit(.videoConfiguration(configuration))
                }
            }
            data = packet.data
        } else {
            // Annex B (MPEG-TS, raw streams): parameter sets travel in-band, usually before every keyframe.
            data = AnnexB.lengthPrefixed(packet.data)
            let frame = MediaPacket(track: .video, dts: dts, pts: pts, isKeyframe: packet.isKeyframe, data: data)
            if let current = self.video, current.codec == codec {
                if let changed = try current.changedByInBandParameterSets(in: frame) {
                    self.video = changed
                    try emit(.videoConfiguration(changed))
                }
            } else {
                // The first parameter sets: the stream's extradata (Annex B, if any) updated by the frame's own.
                let header = AnnexB.nalUnits(packet.extradata).map { Array($0) }
                let inBand = ParameterSetScanner.parameterSets(in: data, codec: codec) ?? []
                let sets = VideoConfiguration.merge(inBand, into: header, codec: codec)
                guard let configuration = Self.configuration(codec, sets) else {
                    self.droppedVideoFrames += 1
                    return
                }
                self.video = configuration
                try emit(.videoConfiguration(configuration))
            }
        }
        try emit(.packet(MediaPacket(track: .video, dts: dts, pts: pts, isKeyframe: packet.isKeyframe, data: data)))
    }

    /// A configuration from `sets` when they are complete (one SPS and PPS, and a VPS for HEVC), else `nil`.
    private static func configuration(_ codec: VideoConfiguration.Codec, _ sets: [[UInt8]]) -> VideoConfiguration? {
        switch codec {
        case .h264: try? VideoConfiguration.h264(parameterSets: sets)
        case .hevc: try? VideoConfiguration.hevc(parameterSets: sets)
        }
    }

    private func takeAudio(_ packet: LibAVDemuxer.Packet, dts: Int64, emit: (MediaInputEvent) throws -> Void) throws {
        if AACConfiguration.isADTS(packet.data) {
            for (index, frame) in try AACConfiguration.adtsFrames(in: packet.data).enumerated() {
                if frame.configuration != self.audio {
                    self.audio = frame.configuration
                    try emit(.audioConfiguration(frame.configuration))
                }
                // Several ADTS frames in one PES packet share its timestamp: 1024 samples each after the first.
                let time = dts + Int64(index * 1024 * 1000 / max(frame.configuration.sampleRate, 1))
                try emit(
                    .packet(MediaPacket(track: .audio, dts: time, pts: time, isKeyframe: true, data: Array(packet.data[frame.payload]))))
            }
            return
        }
        if packet.extradata != self.lastAudioExtradata, !packet.extradata.isEmpty {
            self.lastAudioExtradata = packet.extradata
            let configuration = try AACConfiguration(audioSpecificConfig: packet.extradata)
            if configuration != self.audio {
                self.audio = configuration
                try emit(.audioConfiguration(configuration))
            }
        }
        guard self.audio != nil else {
            throw MediaInputFailure.invalidData(self.source, "AAC audio with neither ADTS headers nor an AudioSpecificConfig")
        }
        try emit(.packet(MediaPacket(track: .audio, dts: dts, pts: dts, isKeyframe: true, data: packet.data)))
    }

    /// The packet's timestamps in ms (a missing one copied from the other), unwrapped when asked; `nil` when it has none.
    private func milliseconds(_ packet: LibAVDemuxer.Packet) -> (dts: Int64, pts: Int64)? {
        guard var dtsTicks = packet.dts ?? packet.pts, var ptsTicks = packet.pts ?? packet.dts else {
            // No timestamp at all: continue from the track's last one (rare; some raw streams).
            guard let last = self.lastDTS[packet.track] else { return nil }
            return (last, last)
        }
        if self.unwrapTimestamps, packet.wrapBits > 0, packet.wrapBits < 63 {
            let period = Int64(1) << packet.wrapBits
            var offset = self.unwrapOffset[packet.track, default: 0]
            if let last = self.lastTicks[packet.track] {
                if dtsTicks + offset < last - period / 2 {
                    offset += period
                } else if dtsTicks + offset > last + period / 2, offset >= period {
                    offset -= period
                }
            }
            self.unwrapOffset[packet.track] = offset
            dtsTicks += offset
            ptsTicks += offset
            // A pts that wrapped before its dts did.
            if ptsTicks < dtsTicks - period / 2 { ptsTicks += period }
            self.lastTicks[packet.track] = dtsTicks
        }
        let dts = av_rescale_q(dtsTicks, packet.timeBase, Self.millisecond)
        let pts = av_rescale_q(ptsTicks, packet.timeBase, Self.millisecond)
        self.lastDTS[packet.track] = dts
        return (dts, pts)
    }
}
