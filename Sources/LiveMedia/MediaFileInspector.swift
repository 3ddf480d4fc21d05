import CLibAV
import CLibAVShims

/// What a media file holds, checked by decoding every frame with libavcodec.
public struct MediaFileInspection: Sendable {
    /// One elementary stream of the file.
    public struct Stream: Sendable {
        /// `video`, `audio`, `subtitle` or `data`.
        public var mediaType: String
        /// libavcodec's codec name, e.g. `h264`, `aac`.
        public var codecName: String
        /// Picture width for video, else 0.
        public var width: Int
        /// Picture height for video, else 0.
        public var height: Int
        /// Sample rate for audio, else 0.
        public var sampleRate: Int
        /// Frames the decoder produced (0 for subtitle streams, which are read, not decoded).
        public var decodedFrames: Int
        /// The sample entry's four-character code, e.g. `avc1`, `hvc1`, `hev1`, `mp4a`, `tx3g` (empty if none).
        public var codecTag: String
        /// Packets (samples) the demuxer read from the stream.
        public var packetCount: Int
    }

    /// libavformat's container name (`mov,mp4,m4a,3gp,3g2,mj2` for MP4).
    public var formatName: String
    /// Container duration in seconds.
    public var duration: Double
    /// Every stream, in file order.
    public var streams: [Stream]
    /// Packets the decoders rejected or reported as corrupt (0 for a clean file).
    public var decodeErrors: Int
    /// The non-empty samples of every `mov_text` subtitle stream, in file order: start and end in seconds, and the
    /// text. A sample's end is its start plus its duration; when the demuxer gives no duration (FFmpeg 5.1 never
    /// does for samples in MP4 fragments), it is the next sample's start, or the end of the file for the last one:
    /// exact for files whose samples are contiguous, as ``MP4SegmentWriter`` writes them.
    public var cues: [TimedTextCue]
}

/// Opens a file with libavformat and decodes it completely, reporting streams, duration and decode errors.
///
/// Blocking and CPU-bound (it decodes everything): call it off the cooperative pool for large files.
public enum MediaFileInspector {
    /// Inspects the file at `path`.
    /// - Throws: ``LiveMediaError/libav(operation:code:message:)`` when the file cannot be opened or read.
    public static func inspect(path: String) throws(LiveMediaError) -> MediaFileInspection {
        _ = LibAVLogging.quiet
        var format: UnsafeMutablePointer<AVFormatContext>? = nil
        try check(avformat_open_input(&format, path, nil, nil), "opening \(path)")
        defer { avformat_close_input(&format) }
        guard let format else { throw .libav(operation: "avformat_open_input", code: -1, message: "no context") }
        try check(avformat_find_stream_info(format, nil), "reading stream info of \(path)")

        var decoders: [UnsafeMutablePointer<AVCodecContext>?] = []
        defer { for index in decoders.indices { avcodec_free_context(&decoders[index]) } }
        var streams: [MediaFileInspection.Stream] = []
        for index in 0..<Int(format.pointee.nb_streams) {
            let parameters = format.pointee.streams[index]!.pointee.codecpar!
            let type = parameters.pointee.codec_type
            let mediaType =
                switch type {
                case AVMEDIA_TYPE_VIDEO: "video"
                case AVMEDIA_TYPE_AUDIO: "audio"
                case AVMEDIA_TYPE_SUBTITLE: "subtitle"
                default: "data"
                }
            streams.append(
                .init(
                    mediaType: mediaType, codecName: String(cString: avcodec_get_name(parameters.pointee.codec_id)),
                    width: Int(parameters.pointee.width), height: Int(parameters.pointee.height),
                    sampleRate: Int(parameters.pointee.sample_rate), decodedFrames: 0,
                    codecTag: Self.fourCC(parameters.pointee.codec_tag), packetCount: 0
                )
            )
            var decoder: UnsafeMutablePointer<AVCodecContext>? = nil
            if type == AVMEDIA_TYPE_VIDEO || type == AVMEDIA_TYPE_AUDIO, let codec = avcodec_find_decoder(parameters.pointee.codec_id) {
                decoder = avcodec_alloc_context3(codec)
                if let context = decoder {
                    avcodec_parameters_to_context(context, parameters)
                    context.pointee.err_recognition |= AV_EF_EXPLODE
                    if avcodec_open2(context, codec, nil) < 0 { avcodec_free_context(&decoder) }
                }
            }
            decoders.append(decoder)
        }

        var errors = 0
        var textSamples: [TextSample] = []
        guard let packet = av_packet_alloc(), let frame = av_frame_alloc() else {
            throw .libav(operation: "av_packet_alloc", code: ttr_av_error(ENOMEM), message: "out of memory")
        }
        defer {
            var packetPointer: UnsafeMutablePointer<AVPacket>? = packet
            av_packet_free(&packetPointer)
            var framePointer: UnsafeMutablePointer<AVFrame>? = frame
            av_frame_free(&framePointer)
        }
        func drain(_ index: Int) {
            guard let decoder = decoders[index] else { return }
            while true {
                let result = avcodec_receive_frame(decoder, frame)
                if result == ttr_av_error_eagain() || result == ttr_av_error_eof() { return }
                if result < 0 {
                    errors += 1
                    return
                }
                streams[index].decodedFrames += 1
                av_frame_unref(frame)
            }
        }
        while true {
            let result = av_read_frame(format, packet)
            if result == ttr_av_error_eof() { break }
            if result < 0 {
                errors += 1
                break
            }
            let index = Int(packet.pointee.stream_index)
            if index < streams.count {
                streams[index].packetCount += 1
                let stream = format.pointee.streams[index]!
                if stream.pointee.codecpar.pointee.codec_id == AV_CODEC_ID_MOV_TEXT {
                    textSamples.append(TextSample(packet, stream: index, timeBase: stream.pointee.time_base))
                }
            }
            if index < decoders.count, let decoder = decoders[index] {
                if avcodec_send_packet(decoder, packet) < 0 { errors += 1 }
                drain(index)
            }
            av_packet_unref(packet)
        }
        for index in decoders.indices {
            guard let decoder = decoders[index] else { continue }
            avcodec_send_packet(decoder, nil)
            drain(index)
        }
        let duration = format.pointee.duration > 0 ? Double(format.pointee.duration) / Double(AV_TIME_BASE) : 0
        return MediaFileInspection(
            formatName: String(cString: format.pointee.iformat.pointee.name),
            duration: duration,
            streams: streams,
            decodeErrors: errors,
            cues: Self.cues(textSamples, fileEnd: duration)
        )
    }

    /// A libav codec tag as text (`MKTAG` order: the first character is the low byte); empty for 0.
    private static func fourCC(_ tag: UInt32) -> String {
        guard tag != 0 else { return "" }
        let bytes = (0..<4).map { UInt8(truncatingIfNeeded: tag >> (8 * $0)) }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// One `mov_text` packet: its stream, start and duration in seconds (nil when the demuxer gave none), and
    /// its text (16-bit big-endian length, then UTF-8; empty for a gap).
    private struct TextSample {
        var stream: Int
        var start: Double
        var duration: Double?
        var text: String

        init(_ packet: UnsafeMutablePointer<AVPacket>, stream: Int, timeBase: AVRational) {
            let seconds = av_q2d(timeBase)
            let time = packet.pointee.pts == ttr_av_nopts_value() ? packet.pointee.dts : packet.pointee.pts
            self.stream = stream
            self.start = Double(time) * seconds
            self.duration = packet.pointee.duration > 0 ? Double(packet.pointee.duration) * seconds : nil
            self.text = ""
            if let data = packet.pointee.data, packet.pointee.size >= 2 {
                let length = min(Int(data[0]) << 8 | Int(data[1]), Int(packet.pointee.size) - 2)
                if length > 0 { self.text = String(decoding: UnsafeBufferPointer(start: data + 2, count: length), as: UTF8.self) }
            }
        }
    }

    /// The non-empty samples as cues, each ending at its start plus duration, else at the next sample of its
    /// stream, else at `fileEnd`.
    private static func cues(_ samples: [TextSample], fileEnd: Double) -> [TimedTextCue] {
        var cues: [TimedTextCue] = []
        var nextStart: [Int: Double] = [:]
        for sample in samples.reversed() {
            defer { nextStart[sample.stream] = sample.start }
            guard !sample.text.isEmpty else { continue }
            let end = sample.duration.map { sample.start + $0 } ?? nextStart[sample.stream] ?? max(fileEnd, sample.start)
            cues.append(TimedTextCue(start: sample.start, end: end, text: sample.text))
        }
        cues.reverse()
        return cues
    }
}
