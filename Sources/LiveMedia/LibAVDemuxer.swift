import CLibAV
import CLibAVShims
import CurlTransport

/// One libavformat demuxer over a file or an in-memory buffer, handing out the packets of its first H.264/HEVC
/// video stream and first AAC audio stream. Internal to the libav-backed inputs.
///
/// Owns the `AVFormatContext` (and, for memory input, the custom `AVIOContext` reading the buffer). Blocking; use it
/// on one dedicated thread.
final class LibAVDemuxer {
    /// One demuxed packet, timestamps still in its stream's time base.
    struct Packet {
        /// Which elementary stream.
        var track: MediaPacket.Track
        /// The video codec (ignored for audio).
        var videoCodec: VideoConfiguration.Codec
        /// The payload as stored in the container (Annex B or length-prefixed video, ADTS or raw AAC).
        var data: [UInt8]
        /// The stream's codec extradata (an `avcC`/`hvcC`/AudioSpecificConfig, Annex B parameter sets, or empty).
        var extradata: [UInt8]
        /// Decode timestamp, or `nil` when the container gave none.
        var dts: Int64?
        /// Presentation timestamp, or `nil` when the container gave none.
        var pts: Int64?
        /// The stream's time base.
        var timeBase: AVRational
        /// Bits of the container's timestamps before they wrap (33 for MPEG-TS, 64 when they do not wrap).
        var wrapBits: Int32
        /// Whether the container flagged a keyframe.
        var isKeyframe: Bool
    }

    private var context: UnsafeMutablePointer<AVFormatContext>?
    private var memory: MemorySource?
    private let name: String
    private var videoIndex: Int32 = -1
    private var videoCodec: VideoConfiguration.Codec = .h264
    private var audioIndex: Int32 = -1

    /// Opens the file at `path`, letting libavformat probe its format, and reads its stream info.
    /// - Throws: ``LiveMediaError`` when the file cannot be opened or probed, or has no H.264/HEVC video and no AAC audio.
    convenience init(path: String) throws(LiveMediaError) {
        try self.init(name: path, memory: nil, formatName: nil, findStreamInfo: true)
    }

    /// Opens `bytes` (an MPEG-TS segment, or a fragmented MP4 init+media segment) as a complete input.
    ///
    /// `formatName` (`"mpegts"`) skips probing; MPEG-TS needs no stream-info pass because its PMT names the codecs.
    /// - Throws: ``LiveMediaError`` when the bytes are not a readable container of a supported codec.
    convenience init(bytes: [UInt8], name: String, formatName: String?) throws(LiveMediaError) {
        try self.init(name: name, memory: MemorySource(bytes), formatName: formatName, findStreamInfo: formatName != "mpegts")
    }

    private init(name: String, memory: MemorySource?, formatName: String?, findStreamInfo: Bool) throws(LiveMediaError) {
        _ = LibAVLogging.quiet
        self.name = name
        self.memory = memory
        guard var context = avformat_alloc_context() else {
            throw .libav(operation: "avformat_alloc_context", code: ttr_av_error(12), message: "out of memory")
        }
        if let memory {
            guard let io = memory.makeIOContext() else {
                avformat_free_context(context)
                throw .libav(operation: "avio_alloc_context", code: ttr_av_error(12), message: "out of memory")
            }
            context.pointee.pb = io
        }
        let format = formatName.flatMap { av_find_input_format($0) }
        var opened: UnsafeMutablePointer<AVFormatContext>? = context
        let openResult = avformat_open_input(&opened, memory == nil ? name : "", format, nil)
        guard openResult >= 0, let openedContext = opened else {
            // avformat_open_input frees the context on failure.
            throw .libav(operation: "opening \(name)", code: openResult, message: libavErrorText(openResult))
        }
        context = openedContext
        self.context = context
        if findStreamInfo {
            try check(avformat_find_stream_info(context, nil), "reading the stream info of \(name)")
        }
        try self.chooseStreams(context)
    }

    deinit {
        avformat_close_input(&self.context)
        self.memory?.release()
    }

    private func chooseStreams(_ context: UnsafeMutablePointer<AVFormatContext>) throws(LiveMediaError) {
        var unsupported: [String] = []
        for index in 0..<Int32(context.pointee.nb_streams) {
            let parameters = context.pointee.streams[Int(index)]!.pointee.codecpar!.pointee
            let codecName = String(cString: avcodec_get_name(parameters.codec_id))
            switch parameters.codec_type {
            case AVMEDIA_TYPE_VIDEO where self.videoIndex < 0:
                switch parameters.codec_id {
                case AV_CODEC_ID_H264:
                    self.videoIndex = index
                    self.videoCodec = .h264
                case AV_CODEC_ID_HEVC:
                    self.videoIndex = index
                    self.videoCodec = .hevc
                default:
                    unsupported.append("video \(codecName)")
                }
            case AVMEDIA_TYPE_AUDIO where self.audioIndex < 0:
                if parameters.codec_id == AV_CODEC_ID_AAC {
                    self.audioIndex = index
                } else {
                    unsupported.append("audio \(codecName)")
                }
            default:
                break
            }
        }
        // A file whose only video or audio is in a codec we cannot record must say so rather than lose that track.
        if !unsupported.isEmpty, self.videoIndex < 0 || self.audioIndex < 0 {
            throw .unsupportedCodec(
                "\(unsupported.joined(separator: ", ")) in \(self.name); only H.264/HEVC video and AAC audio can be recorded")
        }
        if self.videoIndex < 0, self.audioIndex < 0 {
            throw .noMedia(source: self.name)
        }
    }

    /// Reads every packet of the chosen streams into `body`, until the input ends or `stop` is raised.
    /// - Throws: ``LiveMediaError`` when libavformat fails to read (not at a clean end), or what `body` throws.
    func forEachPacket(stop: StopSignal, _ body: (Packet) throws -> Void) throws {
        guard let context = self.context else { return }
        var packet = av_packet_alloc()
        defer { av_packet_free(&packet) }
        guard let packet else { throw LiveMediaError.libav(operation: "av_packet_alloc", code: ttr_av_error(12), message: "out of memory") }
        while !stop.isStopped {
            let result = av_read_frame(context, packet)
            if result == ttr_av_error_eof() { return }
            try check(result, "reading a packet from \(self.name)")
            defer { av_packet_unref(packet) }
            let index = packet.pointee.stream_index
            guard index == self.videoIndex || index == self.audioIndex, let data = packet.pointee.data, packet.pointee.size > 0 else {
                continue
            }
            let stream = context.pointee.streams[Int(index)]!.pointee
            let parameters = stream.codecpar!.pointee
            let noTimestamp = ttr_av_nopts_value()
            try body(
                Packet(
                    track: index == self.videoIndex ? .video : .audio,
                    videoCodec: self.videoCodec,
                    data: Array(UnsafeBufferPointer(start: data, count: Int(packet.pointee.size))),
                    extradata: parameters.extradata.map { Array(UnsafeBufferPointer(start: $0, count: Int(parameters.extradata_size))) }
                        ?? [],
                    dts: packet.pointee.dts == noTimestamp ? nil : packet.pointee.dts,
                    pts: packet.pointee.pts == noTimestamp ? nil : packet.pointee.pts,
                    timeBase: stream.time_base,
                    wrapBits: stream.pts_wrap_bits,
                    isKeyframe: packet.pointee.flags & AV_PKT_FLAG_KEY != 0
                )
            )
        }
    }
}

/// A byte buffer libavformat reads through a custom `AVIOContext` (read and seek callbacks over the array).
private final class MemorySource {
    let bytes: [UInt8]
    var position = 0
    private var io: UnsafeMutablePointer<AVIOContext>?
    private var retained: Unmanaged<MemorySource>?

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// Creates the I/O context; the source stays alive (retained by the context's opaque pointer) until ``release()``.
    func makeIOContext() -> UnsafeMutablePointer<AVIOContext>? {
        let size: Int32 = 32 << 10
        guard let buffer = av_malloc(Int(size)) else { return nil }
        let retained = Unmanaged.passRetained(self)
        let io = avio_alloc_context(
            buffer.assumingMemoryBound(to: UInt8.self), size, 0, retained.toOpaque(),
            { opaque, destination, capacity in
                let source = Unmanaged<MemorySource>.fromOpaque(opaque!).takeUnretainedValue()
                let count = min(Int(capacity), source.bytes.count - source.position)
                guard count > 0, let destination else { return ttr_av_error_eof() }
                source.bytes.withUnsafeBufferPointer { bytes in
                    destination.update(from: bytes.baseAddress! + source.position, count: count)
                }
                source.position += count
                return Int32(count)
            },
            nil,
            { opaque, offset, whence in
                let source = Unmanaged<MemorySource>.fromOpaque(opaque!).takeUnretainedValue()
                let avseekSize: Int32 = 0x10000
                let avseekForce: Int32 = 0x20000
                switch whence & ~avseekForce {
                case avseekSize: return Int64(source.bytes.count)
                case 0: source.position = Int(offset)  // SEEK_SET
                case 1: source.position += Int(offset)  // SEEK_CUR
                case 2: source.position = source.bytes.count + Int(offset)  // SEEK_END
                default: return Int64(ttr_av_error(22))  // EINVAL
                }
                source.position = min(max(source.position, 0), source.bytes.count)
                return Int64(source.position)
            }
        )
        guard let io else {
            av_free(buffer)
            retained.release()
            return nil
        }
        self.io = io
        self.retained = retained
        return io
    }

    /// Frees the I/O context and its buffer (after the format context is closed) and drops the self-reference.
    func release() {
        if let io = self.io {
            av_freep(&io.pointee.buffer)
            var context: UnsafeMutablePointer<AVIOContext>? = io
            avio_context_free(&context)
            self.io = nil
        }
        self.retained?.release()
        self.retained = nil
    }
}
