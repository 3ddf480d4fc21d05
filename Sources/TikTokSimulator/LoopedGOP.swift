import Foundation
import LiveMedia
import Synchronization

/// One 2 s GOP of test-pattern video with its audio, encoded once and pre-serialised as FLV tags, for broadcasts in
/// ``SimulatorScenario/Encoder/loop`` mode to send again and again with only the timestamps rewritten.
///
/// Get one with ``LoopedGOP/shared(for:)``: every broadcast of the same video settings in the process shares it.
struct LoopedGOP: Sendable {
    /// One video frame and the audio up to the next, as serialised tags with timestamps relative to the GOP start.
    struct Frame: Sendable {
        var tags: FLVChunkBuilder.Tags

        /// The frame's bytes with every timestamp moved by `base` ms.
        func bytes(at base: Int64) -> [UInt8] {
            var bytes = self.tags.bytes
            for tag in self.tags.tags {
                FLVTagWriter.patchTimestamp(&bytes, tagAt: tag.offset, timestamp: UInt32(truncatingIfNeeded: tag.timestamp + base))
            }
            return bytes
        }
    }

    /// The settings it was encoded with.
    let video: SimulatorScenario.Video
    let configuration: VideoConfiguration
    let audioSpecificConfig: [UInt8]
    /// Video frames in order; the first is the keyframe.
    let frames: [Frame]
    /// The first frame again, with the parameter sets in-band in its keyframe (sent after a resolution change).
    let firstFrameWithParameterSets: Frame
    /// The GOP's length in ms (the loop period).
    let duration: Int64

    /// What a new viewer gets first (FLV header and sequence headers).
    var headers: [UInt8] {
        FLVChunkBuilder.headers(self.video, configuration: self.configuration, audioSpecificConfig: self.audioSpecificConfig)
    }

    /// Encodes one GOP in `video`'s settings (blocking: real libav work, ~2.5 s of media).
    /// - Throws: a ``LiveMediaError`` from the encoder.
    init(encoding video: SimulatorScenario.Video) throws {
        let fps = video.framesPerSecond
        let encoder = try TestPatternEncoder(
            codec: video.codec, width: video.width, height: video.height, framesPerSecond: fps, videoBitrate: video.bitrate)
        let duration: Int64 = 2000
        var packets: [MediaPacket] = []
        // Half a second more than a GOP, so the encoders' delayed packets for the GOP's end come out too.
        for _ in 0..<(fps * 2 + fps / 2) { packets += try encoder.encodeNextFrame() }
        let videoPackets = packets.filter { $0.track == .video && $0.dts >= 0 && $0.dts < duration }
        let audioPackets = packets.filter { $0.track == .audio && $0.dts >= 0 && $0.dts < duration }
        guard videoPackets.first?.isKeyframe == true, videoPackets.count == fps * 2 else {
            throw LiveMediaError.libav(
                operation: "encoding the looped GOP", code: -1,
                message: "expected \(fps * 2) frames starting with a keyframe, got \(videoPackets.count)")
        }
        var frames: [Frame] = []
        var firstWithParameterSets = Frame(tags: .init())
        var audioIndex = 0
        for (index, packet) in videoPackets.enumerated() {
            let end = index + 1 < videoPackets.count ? videoPackets[index + 1].dts : duration
            var group = [packet]
            while audioIndex < audioPackets.count, audioPackets[audioIndex].dts < end {
                group.append(audioPackets[audioIndex])
                audioIndex += 1
            }
            frames.append(Frame(tags: FLVChunkBuilder.tags(group, video: video)))
            if index == 0 {
                firstWithParameterSets = Frame(tags: FLVChunkBuilder.tags(group, video: video, inBand: encoder.videoConfiguration))
            }
        }
        self.video = video
        self.configuration = encoder.videoConfiguration
        self.audioSpecificConfig = encoder.audioSpecificConfig
        self.frames = frames
        self.duration = duration
        self.firstFrameWithParameterSets = firstWithParameterSets
    }

    // MARK: - The process-wide cache

    private enum Entry {
        case ready(LoopedGOP)
        case encoding([CheckedContinuation<LoopedGOP, any Error>])
    }

    private static let cache = Mutex<[SimulatorScenario.Video: Entry]>([:])

    /// The GOP for `video`, encoded on a dedicated thread the first time any broadcast in the process asks for it;
    /// callers asking meanwhile wait for the same encode.
    /// - Throws: the encoder's error (the next call tries again).
    static func shared(for video: SimulatorScenario.Video) async throws -> LoopedGOP {
        var normalised = video
        if normalised.codec == .h264 { normalised.hevcForm = .codecID12 }  // one H.264 GOP whatever the HEVC form says
        let key = normalised
        return try await withCheckedThrowingContinuation { continuation in
            let ready: LoopedGOP? = Self.cache.withLock { cache in
                switch cache[key] {
                case .ready(let gop):
                    return gop
                case .encoding(let waiting):
                    cache[key] = .encoding(waiting + [continuation])
                    return nil
                case nil:
                    cache[key] = .encoding([continuation])
                    let thread = Thread {
                        let result = Result { try LoopedGOP(encoding: key) }
                        let waiting: [CheckedContinuation<LoopedGOP, any Error>] = Self.cache.withLock { cache in
                            guard case .encoding(let waiting) = cache[key] else { return [] }
                            if case .success(let gop) = result { cache[key] = .ready(gop) } else { cache[key] = nil }
                            return waiting
                        }
                        for continuation in waiting { continuation.resume(with: result) }
                    }
                    thread.name = "sim-gop-encoder"
                    thread.start()
                    return nil
                }
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }
}
