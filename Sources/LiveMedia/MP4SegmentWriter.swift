import CLibAV
import CLibAVShims

/// An MP4 file being written through libavformat's `mp4` muxer, with one H.264 and/or one AAC track.
///
/// Owns the `AVFormatContext` and the open file. Not thread-safe: create, write and finish it on one thread.
/// By default the file is fragmented (`frag_keyframe+empty_moov+default_base_moof`, a fragment per keyframe),
/// so a crash or `kill -9` leaves a file that plays up to its last complete fragment. Call ``finish()``
/// exactly once: it writes the trailer (the `mfra` index) and closes the file.
final class MP4Writer {
    let path: String
    private var context: UnsafeMutablePointer<AVFormatContext>?
    private let packet: UnsafeMutablePointer<AVPacket>
    private var videoStream: Int32 = -1
    private var audioStream: Int32 = -1
    private static let millisecond = AVRational(num: 1, den: 1000)

    /// Opens `path` for writing and writes the MP4 header.
    /// - Throws: ``LiveMediaError/libav(operation:code:message:)`` when the file cannot be created.
    init(path: String, video: VideoConfiguration?, audio: AACConfiguration?, fragmented: Bool = true) throws(LiveMediaError) {
        _ = LibAVLogging.quiet
        self.path = path
        guard let packet = av_packet_alloc() else {
            throw .libav(operation: "av_packet_alloc", code: ttr_av_error(ENOMEM), message: "out of memory")
        }
        self.packet = packet
        var context: UnsafeMutablePointer<AVFormatContext>? = nil
        try check(avformat_alloc_output_context2(&context, nil, "mp4", path), "creating the MP4 muxer for \(path)")
        self.context = context
        guard let context else { throw .libav(operation: "avformat_alloc_output_context2", code: -1, message: "no context") }

        if let video {
            let stream = try Self.newStream(context)
            let parameters = stream.pointee.codecpar!
            parameters.pointee.codec_type = AVMEDIA_TYPE_VIDEO
            parameters.pointee.codec_id = AV_CODEC_ID_H264
            parameters.pointee.width = Int32(video.width)
            parameters.pointee.height = Int32(video.height)
            Self.setExtradata(parameters, video.decoderConfigurationRecord)
            stream.pointee.time_base = Self.millisecond
            self.videoStream = stream.pointee.index
        }
        if let audio {
            let stream = try Self.newStream(context)
            let parameters = stream.pointee.codecpar!
            parameters.pointee.codec_type = AVMEDIA_TYPE_AUDIO
            parameters.pointee.codec_id = AV_CODEC_ID_AAC
            parameters.pointee.sample_rate = Int32(audio.sampleRate)
            parameters.pointee.frame_size = 1024
            av_channel_layout_default(&parameters.pointee.ch_layout, Int32(audio.channels))
            Self.setExtradata(parameters, audio.audioSpecificConfig)
            stream.pointee.time_base = Self.millisecond
            self.audioStream = stream.pointee.index
        }

        try check(avio_open(&context.pointee.pb, path, AVIO_FLAG_WRITE), "opening \(path) for writing")
        var options: OpaquePointer? = nil
        defer { av_dict_free(&options) }
        if fragmented {
            av_dict_set(&options, "movflags", "frag_keyframe+empty_moov+default_base_moof", 0)
        }
        try check(avformat_write_header(context, &options), "writing the MP4 header of \(path)")
    }

    private static func newStream(_ context: UnsafeMutablePointer<AVFormatContext>) throws(LiveMediaError) -> UnsafeMutablePointer<AVStream>
    {
        guard let stream = avformat_new_stream(context, nil) else {
            throw .libav(operation: "avformat_new_stream", code: ttr_av_error(ENOMEM), message: "out of memory")
        }
        return stream
    }

    private static func setExtradata(_ parameters: UnsafeMutablePointer<AVCodecParameters>, _ bytes: [UInt8]) {
        let padding = Int(AV_INPUT_BUFFER_PADDING_SIZE)
        let buffer = av_mallocz(bytes.count + padding)!.assumingMemoryBound(to: UInt8.self)
        bytes.withUnsafeBufferPointer { buffer.update(from: $0.baseAddress!, count: bytes.count) }
        parameters.pointee.extradata = buffer
        parameters.pointee.extradata_size = Int32(bytes.count)
    }

    /// Whether the file has a track for `track`.
    func hasTrack(_ track: MediaPacket.Track) -> Bool {
        (track == .video ? self.videoStream : self.audioStream) >= 0
    }

    /// Writes one packet whose timestamps are in ms on the file's timeline (starting at 0).
    func write(_ media: MediaPacket, duration: Int64 = 0) throws(LiveMediaError) {
        guard let context = self.context else { return }
        let index = media.track == .video ? self.videoStream : self.audioStream
        guard index >= 0 else { return }
        let timeBase = context.pointee.streams[Int(index)]!.pointee.time_base
        try check(av_new_packet(self.packet, Int32(media.data.count)), "allocating a packet")
        media.data.withUnsafeBufferPointer { self.packet.pointee.data.update(from: $0.baseAddress!, count: media.data.count) }
        self.packet.pointee.stream_index = index
        self.packet.pointee.dts = av_rescale_q(media.dts, Self.millisecond, timeBase)
        self.packet.pointee.pts = av_rescale_q(media.pts, Self.millisecond, timeBase)
        self.packet.pointee.duration = av_rescale_q(duration, Self.millisecond, timeBase)
        self.packet.pointee.flags = media.isKeyframe ? AV_PKT_FLAG_KEY : 0
        let result = av_interleaved_write_frame(context, self.packet)
        av_packet_unref(self.packet)
        try check(result, "writing a packet to \(self.path)")
    }

    /// Writes the trailer and closes the file. Later calls do nothing.
    /// - Throws: when the trailer cannot be written (full disk); the fragments already written stay playable.
    func finish() throws(LiveMediaError) {
        guard let context = self.context else { return }
        self.context = nil
        let trailer = av_write_trailer(context)
        avio_closep(&context.pointee.pb)
        avformat_free_context(context)
        try check(trailer, "writing the MP4 trailer of \(self.path)")
    }

    deinit {
        // Reached without finish() only on an error path: close the file so the fragments are kept.
        if let context = self.context {
            avio_closep(&context.pointee.pb)
            avformat_free_context(context)
        }
        var packet: UnsafeMutablePointer<AVPacket>? = self.packet
        av_packet_free(&packet)
    }
}
