import CLibAV
import CLibAVShims
import Foundation
import Synchronization

/// Encodes a synthetic live source in-process with libavcodec: a moving test pattern with the frame's media
/// time drawn in the picture (H.264 through libx264 or HEVC through libx265) and a tone with a beep every second (AAC).
///
/// The simulator's CDN serves it as a live stream; the drawn time lets a person check chat sync by eye. The picture
/// size can change mid-stream (``changeResolution(width:height:)``), as when a guest joins a TikTok live. Not
/// thread-safe: use one instance from one thread. Encoding is real CPU work (blocking); call it off the cooperative
/// pool.
public final class TestPatternEncoder {
    /// The video codec.
    public let codec: VideoConfiguration.Codec
    /// Picture width in pixels (changes with ``changeResolution(width:height:)``).
    public private(set) var width: Int
    /// Picture height in pixels (changes with ``changeResolution(width:height:)``).
    public private(set) var height: Int
    /// Frames per second.
    public let framesPerSecond: Int
    /// Target video bitrate in bit/s (constant, with filler data).
    public let videoBitrate: Int
    /// The media time (ms) of the first frame: 0, or later for an encoder that joins a running live.
    public let startTime: Int64
    /// The video decoder configuration (`avcC` or `hvcC` and its parameter sets) for the current picture size.
    public private(set) var videoConfiguration: VideoConfiguration
    /// The H.264 `avcC` record for the FLV sequence header; empty for HEVC (use ``videoConfiguration``).
    public var avcC: [UInt8] { self.codec == .h264 ? self.videoConfiguration.decoderConfigurationRecord : [] }
    /// The AAC AudioSpecificConfig for the FLV sequence header.
    public private(set) var audioSpecificConfig: [UInt8] = []

    private var video: UnsafeMutablePointer<AVCodecContext>?
    private var audio: UnsafeMutablePointer<AVCodecContext>?
    private var videoFrame: UnsafeMutablePointer<AVFrame>?
    private var audioFrame: UnsafeMutablePointer<AVFrame>?
    /// Serialises encoder opens across the process (see `openVideo`).
    private static let opening = Mutex(())
    private let packet: UnsafeMutablePointer<AVPacket>
    private var background: [[UInt8]] = []
    private var nextVideoFrame: Int64
    /// The frame index of the last keyframe encoded.
    private var lastKeyframe: Int64?
    private var nextAudioSample: Int64
    private let audioSampleRate: Int32 = 44100

    /// Opens the encoders.
    /// - Parameters:
    ///   - codec: H.264 (libx264, `veryfast`) or HEVC (libx265, `ultrafast`); both zero-latency, no B-frames, 2 s GOP.
    ///   - startTime: media time (ms) of the first frame and audio sample; packets start there.
    /// - Throws: ``LiveMediaError/encoderUnavailable(_:)`` without libx264/libx265, or a libav error.
    public init(
        codec: VideoConfiguration.Codec = .h264, width: Int = 640, height: Int = 360, framesPerSecond: Int = 30,
        videoBitrate: Int = 2_000_000, startTime: Int64 = 0
    ) throws(LiveMediaError) {
        _ = LibAVLogging.quiet
        self.codec = codec
        self.width = width
        self.height = height
        self.framesPerSecond = framesPerSecond
        self.videoBitrate = videoBitrate
        self.startTime = max(0, startTime)
        self.nextVideoFrame = (self.startTime * Int64(framesPerSecond) + 999) / 1000
        self.nextAudioSample = self.startTime * Int64(self.audioSampleRate) / 1000
        guard let packet = av_packet_alloc() else {
            throw .libav(operation: "av_packet_alloc", code: ttr_av_error(ENOMEM), message: "out of memory")
        }
        self.packet = packet
        // Replaced by openVideo before init returns.
        self.videoConfiguration = VideoConfiguration(
            codec: codec, record: [], width: width, height: height, profile: 0, level: 0, parameterSets: [])
        try self.openVideo()
        try self.openAudio()
    }

    deinit {
        avcodec_free_context(&self.video)
        avcodec_free_context(&self.audio)
        av_frame_free(&self.videoFrame)
        av_frame_free(&self.audioFrame)
        var packet: UnsafeMutablePointer<AVPacket>? = self.packet
        av_packet_free(&packet)
    }

    /// Re-opens the video encoder at a new picture size. The next frame is a keyframe with new parameter sets
    /// (``videoConfiguration``); timestamps and the drawn media time go on; audio is untouched.
    /// - Throws: a libav error when the encoder cannot be re-opened at that size (the old one is gone then).
    public func changeResolution(width: Int, height: Int) throws(LiveMediaError) {
        avcodec_free_context(&self.video)
        av_frame_free(&self.videoFrame)
        self.width = width
        self.height = height
        try self.openVideo()
    }

    private func openVideo() throws(LiveMediaError) {
        let encoderName = self.codec == .h264 ? "libx264" : "libx265"
        guard let codec = avcodec_find_encoder_by_name(encoderName) else { throw .encoderUnavailable(encoderName) }
        guard let context = avcodec_alloc_context3(codec), let frame = av_frame_alloc() else {
            throw .libav(operation: "avcodec_alloc_context3", code: ttr_av_error(ENOMEM), message: "out of memory")
        }
        self.video = context
        self.videoFrame = frame
        context.pointee.width = Int32(self.width)
        context.pointee.height = Int32(self.height)
        context.pointee.time_base = AVRational(num: 1, den: Int32(self.framesPerSecond))
        context.pointee.framerate = AVRational(num: Int32(self.framesPerSecond), den: 1)
        context.pointee.pix_fmt = AV_PIX_FMT_YUV420P
        context.pointee.gop_size = Int32(self.framesPerSecond * 2)
        context.pointee.max_b_frames = 0
        // Constant bitrate with filler data (x264 `nal-hrd=cbr`, x265 `hrd` + `filler`): a mostly static test pattern
        // would otherwise shrink to a few kbit/s, and a live stream's cost (network, parsing, muxing, disk) scales with
        // its byte rate.
        context.pointee.bit_rate = Int64(self.videoBitrate)
        context.pointee.rc_max_rate = Int64(self.videoBitrate)
        context.pointee.rc_buffer_size = Int32(self.videoBitrate)
        context.pointee.flags |= AV_CODEC_FLAG_GLOBAL_HEADER
        if self.codec == .h264 {
            av_opt_set(context.pointee.priv_data, "preset", "veryfast", 0)
            av_opt_set(context.pointee.priv_data, "tune", "zerolatency", 0)
            av_opt_set(context.pointee.priv_data, "x264-params", "nal-hrd=cbr", 0)
        } else {
            let keyint = self.framesPerSecond * 2
            av_opt_set(context.pointee.priv_data, "preset", "ultrafast", 0)
            av_opt_set(context.pointee.priv_data, "tune", "zerolatency", 0)
            av_opt_set(
                context.pointee.priv_data, "x265-params",
                "keyint=\(keyint):min-keyint=\(keyint):scenecut=0:bframes=0:repeat-headers=0:info=0:strict-cbr=1:hrd=1:filler=1:log-level=none",
                0)
        }
        // libx264/libx265 set up global state when opened; opening two at once (two lives starting together) has
        // produced packets without timestamps in tests, so opens are serialised.
        // A keyframe forced by time (after skipped frames, see encodeNextFrame) is an IDR, as the GOP's own are.
        av_opt_set(context.pointee.priv_data, "forced-idr", "1", 0)
        let opened = Self.opening.withLock { _ in avcodec_open2(context, codec, nil) }
        try check(opened, "opening the \(encoderName) encoder")
        let extradata = Array(UnsafeBufferPointer(start: context.pointee.extradata, count: Int(context.pointee.extradata_size)))
        if self.codec == .h264, extradata.first == 1 {
            self.videoConfiguration = try VideoConfiguration(avcC: extradata)
        } else {
            let parameterSets = AnnexB.nalUnits(extradata).map { Array($0) }
            guard !parameterSets.isEmpty else {
                throw .libav(operation: "\(encoderName) global header", code: -1, message: "no parameter sets in the encoder's extradata")
            }
            self.videoConfiguration =
                self.codec == .h264
                ? try VideoConfiguration.h264(parameterSets: parameterSets) : try VideoConfiguration.hevc(parameterSets: parameterSets)
        }
        frame.pointee.width = Int32(self.width)
        frame.pointee.height = Int32(self.height)
        frame.pointee.format = AV_PIX_FMT_YUV420P.rawValue
        try check(av_frame_get_buffer(frame, 0), "allocating a video frame")
        self.background = Self.makeBackground(width: self.width, height: self.height)
    }

    private func openAudio() throws(LiveMediaError) {
        guard let codec = avcodec_find_encoder(AV_CODEC_ID_AAC) else { throw .encoderUnavailable("aac") }
        guard let context = avcodec_alloc_context3(codec), let frame = av_frame_alloc() else {
            throw .libav(operation: "avcodec_alloc_context3", code: ttr_av_error(ENOMEM), message: "out of memory")
        }
        self.audio = context
        self.audioFrame = frame
        context.pointee.sample_fmt = AV_SAMPLE_FMT_FLTP
        context.pointee.sample_rate = self.audioSampleRate
        av_channel_layout_default(&context.pointee.ch_layout, 2)
        context.pointee.bit_rate = 96_000
        context.pointee.time_base = AVRational(num: 1, den: self.audioSampleRate)
        context.pointee.flags |= AV_CODEC_FLAG_GLOBAL_HEADER
        try check(avcodec_open2(context, codec, nil), "opening the AAC encoder")
        self.audioSpecificConfig = Array(
            UnsafeBufferPointer(start: context.pointee.extradata, count: Int(context.pointee.extradata_size))
        )
        frame.pointee.nb_samples = context.pointee.frame_size
        frame.pointee.format = AV_SAMPLE_FMT_FLTP.rawValue
        frame.pointee.sample_rate = self.audioSampleRate
        av_channel_layout_copy(&frame.pointee.ch_layout, &context.pointee.ch_layout)
        try check(av_frame_get_buffer(frame, 0), "allocating an audio frame")
    }

    /// The media time of the next video frame, in ms.
    public var nextVideoTime: Int64 { self.nextVideoFrame * 1000 / Int64(self.framesPerSecond) }

    /// Drops the video frames due before `milliseconds` (media time), as a live encoder that cannot keep up skips
    /// frames instead of falling behind the clock: the next frame carries the time it is really encoded at. Audio is
    /// not skipped: it is encoded up to that next frame and returned, to be sent before it. Never moves backwards.
    /// - Returns: the audio packets of the skipped stretch.
    public func skipVideoFrames(before milliseconds: Int64) throws(LiveMediaError) -> [MediaPacket] {
        let due = milliseconds * Int64(self.framesPerSecond) / 1000
        self.nextVideoFrame = max(self.nextVideoFrame, due)
        return try self.encodeAudio(upTo: self.nextVideoTime)
    }

    /// Draws and encodes the next video frame, then encodes audio up to the same media time.
    /// - Returns: the packets the encoders produced (video in AVCC form), in decode order per track.
    public func encodeNextFrame() throws(LiveMediaError) -> [MediaPacket] {
        guard let context = self.video, let frame = self.videoFrame else { return [] }
        try check(av_frame_make_writable(frame), "making the video frame writable")
        self.draw(into: frame, frameIndex: self.nextVideoFrame)
        frame.pointee.pts = self.nextVideoFrame
        // Keyframes every 2 s of media time, not every 2 s worth of frames: after skipped frames the encoder's own
        // frame count would stretch the GOP (and the HLS segments cut at keyframes).
        let gop = Int64(self.framesPerSecond * 2)
        let keyframeDue = self.lastKeyframe.map { self.nextVideoFrame - $0 >= gop } ?? false
        frame.pointee.pict_type = keyframeDue ? AV_PICTURE_TYPE_I : AV_PICTURE_TYPE_NONE
        let index = self.nextVideoFrame
        self.nextVideoFrame += 1
        var packets = try self.encode(context, frame: frame, track: .video)
        if packets.contains(where: \.isKeyframe) { self.lastKeyframe = index }
        packets += try self.encodeAudio(upTo: self.nextVideoTime)
        return packets
    }

    private func encodeAudio(upTo milliseconds: Int64) throws(LiveMediaError) -> [MediaPacket] {
        guard let context = self.audio, let frame = self.audioFrame else { return [] }
        var packets: [MediaPacket] = []
        let samplesPerFrame = Int(context.pointee.frame_size)
        let rate = Int64(self.audioSampleRate)
        while self.nextAudioSample * 1000 / rate < milliseconds {
            try check(av_frame_make_writable(frame), "making the audio frame writable")
            for channel in 0..<2 {
                let samples = UnsafeMutableRawPointer(frame.pointee.extended_data[channel]!).assumingMemoryBound(to: Float.self)
                for index in 0..<samplesPerFrame {
                    let sample = self.nextAudioSample + Int64(index)
                    let inBeep = sample % rate < rate / 10
                    let frequency: Double = inBeep ? 880 : 440
                    let amplitude: Double = inBeep ? 0.4 : 0.1
                    samples[index] = Float(amplitude * sin(2 * Double.pi * frequency * Double(sample) / Double(rate)))
                }
            }
            frame.pointee.pts = self.nextAudioSample
            self.nextAudioSample += Int64(samplesPerFrame)
            packets += try self.encode(context, frame: frame, track: .audio)
        }
        return packets
    }

    private func encode(
        _ context: UnsafeMutablePointer<AVCodecContext>, frame: UnsafeMutablePointer<AVFrame>, track: MediaPacket.Track
    ) throws(LiveMediaError) -> [MediaPacket] {
        try check(avcodec_send_frame(context, frame), "encoding a \(track) frame")
        var packets: [MediaPacket] = []
        let milliseconds = AVRational(num: 1, den: 1000)
        while true {
            let result = avcodec_receive_packet(context, self.packet)
            if result == ttr_av_error_eagain() || result == ttr_av_error_eof() { break }
            try check(result, "receiving an encoded \(track) packet")
            let bytes = Array(UnsafeBufferPointer(start: self.packet.pointee.data, count: Int(self.packet.pointee.size)))
            packets.append(
                MediaPacket(
                    track: track,
                    dts: av_rescale_q(self.packet.pointee.dts, context.pointee.time_base, milliseconds),
                    pts: av_rescale_q(self.packet.pointee.pts, context.pointee.time_base, milliseconds),
                    isKeyframe: self.packet.pointee.flags & AV_PKT_FLAG_KEY != 0,
                    data: track == .video ? AnnexB.lengthPrefixed(bytes) : bytes
                )
            )
            av_packet_unref(self.packet)
        }
        return packets
    }

    // MARK: - Picture

    /// 75% colour bars (white, yellow, cyan, green, magenta, red, blue, black) as (Y, Cb, Cr), BT.601.
    private static let bars: [(y: UInt8, u: UInt8, v: UInt8)] = [
        (180, 128, 128), (162, 44, 142), (131, 156, 44), (112, 72, 58),
        (84, 184, 198), (65, 100, 212), (35, 212, 114), (16, 128, 128),
    ]

    /// The static picture (bars over a grey ramp) as three planes, computed once and copied into each frame.
    private static func makeBackground(width: Int, height: Int) -> [[UInt8]] {
        let barsHeight = height * 2 / 3
        var luma = [UInt8](repeating: 0, count: width * height)
        for y in 0..<height {
            for x in 0..<width {
                luma[y * width + x] = y < barsHeight ? Self.bars[x * Self.bars.count / width].y : UInt8(16 + x * 219 / width)
            }
        }
        let chromaWidth = width / 2
        let chromaHeight = height / 2
        var blue = [UInt8](repeating: 128, count: chromaWidth * chromaHeight)
        var red = [UInt8](repeating: 128, count: chromaWidth * chromaHeight)
        for y in 0..<(barsHeight / 2) {
            for x in 0..<chromaWidth {
                let bar = Self.bars[x * 2 * Self.bars.count / width]
                blue[y * chromaWidth + x] = bar.u
                red[y * chromaWidth + x] = bar.v
            }
        }
        return [luma, blue, red]
    }

    private func draw(into frame: UnsafeMutablePointer<AVFrame>, frameIndex: Int64) {
        let lumaStride = Int(frame.pointee.linesize.0)
        let luma = frame.pointee.data.0!
        let planes = [
            (luma, lumaStride, self.width, self.height),
            (frame.pointee.data.1!, Int(frame.pointee.linesize.1), self.width / 2, self.height / 2),
            (frame.pointee.data.2!, Int(frame.pointee.linesize.2), self.width / 2, self.height / 2),
        ]
        for (index, (data, stride, width, height)) in planes.enumerated() {
            self.background[index].withUnsafeBufferPointer { background in
                for y in 0..<height { (data + y * stride).update(from: background.baseAddress! + y * width, count: width) }
            }
        }
        // A box sweeping left to right once every two seconds shows motion.
        let boxX = Int(frameIndex % Int64(self.framesPerSecond * 2)) * (self.width - 40) / (self.framesPerSecond * 2)
        Self.fill(luma, stride: lumaStride, x: boxX, y: self.height * 2 / 3 - 50, width: 40, height: 40, value: 235)
        // The media time, "SSSSS.mmm", in seven-segment digits on a dark band.
        let milliseconds = frameIndex * 1000 / Int64(self.framesPerSecond)
        let text = String(format: "%05lld.%03lld", milliseconds / 1000, milliseconds % 1000)
        let digitWidth = 24
        let digitHeight = 44
        let textWidth = text.count * (digitWidth + 8)
        let originX = (self.width - textWidth) / 2
        let originY = self.height - digitHeight - 20
        Self.fill(luma, stride: lumaStride, x: originX - 10, y: originY - 10, width: textWidth + 20, height: digitHeight + 20, value: 16)
        for (index, character) in text.enumerated() {
            Self.drawDigit(
                character, luma: luma, stride: lumaStride, x: originX + index * (digitWidth + 8), y: originY, width: digitWidth,
                height: digitHeight)
        }
    }

    private static func fill(_ plane: UnsafeMutablePointer<UInt8>, stride: Int, x: Int, y: Int, width: Int, height: Int, value: UInt8) {
        for row in max(y, 0)..<(y + height) {
            (plane + row * stride + max(x, 0)).update(repeating: value, count: width)
        }
    }

    /// Segments a–g of a seven-segment display for each digit.
    private static let segments: [Character: [Bool]] = [
        "0": [true, true, true, true, true, true, false], "1": [false, true, true, false, false, false, false],
        "2": [true, true, false, true, true, false, true], "3": [true, true, true, true, false, false, true],
        "4": [false, true, true, false, false, true, true], "5": [true, false, true, true, false, true, true],
        "6": [true, false, true, true, true, true, true], "7": [true, true, true, false, false, false, false],
        "8": [true, true, true, true, true, true, true], "9": [true, true, true, true, false, true, true],
    ]

    private static func drawDigit(
        _ character: Character, luma: UnsafeMutablePointer<UInt8>, stride: Int, x: Int, y: Int, width: Int, height: Int
    ) {
        let thickness = 4
        let half = height / 2
        if character == "." {
            fill(luma, stride: stride, x: x + width / 2 - 3, y: y + height - 6, width: 6, height: 6, value: 235)
            return
        }
        guard let lit = segments[character] else { return }
        let bars: [(Int, Int, Int, Int)] = [
            (x, y, width, thickness),  // a
            (x + width - thickness, y, thickness, half),  // b
            (x + width - thickness, y + half, thickness, half),  // c
            (x, y + height - thickness, width, thickness),  // d
            (x, y + half, thickness, half),  // e
            (x, y, thickness, half),  // f
            (x, y + half - thickness / 2, width, thickness),  // g
        ]
        for (segment, on) in lit.enumerated() where on {
            let bar = bars[segment]
            fill(luma, stride: stride, x: bar.0, y: bar.1, width: bar.2, height: bar.3, value: 235)
        }
    }
}
