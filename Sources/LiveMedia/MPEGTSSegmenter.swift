import CLibAV
import CLibAVShims

/// Muxes one continuous run of a live stream into MPEG-TS in memory and hands it out in segments, for HLS.
///
/// Owns one libavformat `mpegts` muxer for the whole run, so timestamps and continuity counters carry on from one
/// segment to the next exactly as they would in one long transport stream; ``cut()`` ends the segment written so far
/// (flushing the audio the muxer holds back) and makes the next one start with PAT and PMT, so each segment can be
/// decoded on its own when it starts with a keyframe. Start a new segmenter after a timestamp jump or a new codec
/// configuration: the muxer refuses timestamps that go backwards, and a discontinuity restarts everything anyway.
///
/// Input is what ``FLVDemuxer`` gives: length-prefixed H.264 or HEVC frames and raw AAC frames. Video is rewritten
/// to Annex B here, with the configuration's parameter sets (VPS/SPS/PPS) put before every keyframe that does not
/// carry its own: libavformat's automatic `h264_mp4toannexb` / `hevc_mp4toannexb` filters (FFmpeg 5.1) stop
/// inserting them for good once one keyframe carried them in-band, as the first keyframe after a resolution change
/// does, which left later segments undecodable. The muxer adds ADTS headers to AAC itself (from the
/// AudioSpecificConfig). Timestamps are milliseconds, as in FLV; they become 90 kHz PTS/DTS unchanged (no offset).
///
/// Not thread-safe: create it, write to it and cut it on one thread. Blocking only in the sense of CPU work
/// (microseconds per frame); it does no I/O.
public final class MPEGTSSegmenter {
    private var context: UnsafeMutablePointer<AVFormatContext>?
    private let packet: UnsafeMutablePointer<AVPacket>
    private let video: VideoConfiguration?
    private var videoStream: Int32 = -1
    private var audioStream: Int32 = -1
    /// The last DTS written per stream (video, audio), ms: MPEG-TS needs them strictly increasing.
    private var lastVideoDTS: Int64?
    private var lastAudioDTS: Int64?
    private static let millisecond = AVRational(num: 1, den: 1000)

    /// Opens the muxer with one video track (H.264 or HEVC) and/or one AAC track.
    /// - Throws: ``LiveMediaError/noMedia(source:)`` with neither track, ``LiveMediaError/libav(operation:code:message:)``
    ///   when libavformat refuses the configuration.
    public init(video: VideoConfiguration?, audio: AACConfiguration?) throws(LiveMediaError) {
        _ = LibAVLogging.quiet
        guard video != nil || audio != nil else { throw .noMedia(source: "the MPEG-TS segmenter (no video or audio configuration)") }
        guard let packet = av_packet_alloc() else {
            throw .libav(operation: "av_packet_alloc", code: ttr_av_error(ENOMEM), message: "out of memory")
        }
        self.packet = packet
        self.video = video
        var context: UnsafeMutablePointer<AVFormatContext>? = nil
        try check(avformat_alloc_output_context2(&context, nil, "mpegts", nil), "creating the MPEG-TS muxer")
        guard let context else { throw .libav(operation: "avformat_alloc_output_context2", code: -1, message: "no context") }
        self.context = context

        if let video {
            let stream = try Self.newStream(context)
            let parameters = stream.pointee.codecpar!
            parameters.pointee.codec_type = AVMEDIA_TYPE_VIDEO
            parameters.pointee.codec_id = video.codec == .hevc ? AV_CODEC_ID_HEVC : AV_CODEC_ID_H264
            parameters.pointee.width = Int32(video.width)
            parameters.pointee.height = Int32(video.height)
            // Annex B parameter sets, so the muxer sees Annex B throughout and adds no bitstream filter of its own.
            Self.setExtradata(parameters, video.parameterSets.flatMap { Self.startCode + $0 })
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
            // With the AudioSpecificConfig as extradata the muxer writes an ADTS header before every raw frame.
            Self.setExtradata(parameters, audio.audioSpecificConfig)
            stream.pointee.time_base = Self.millisecond
            self.audioStream = stream.pointee.index
        }

        try check(avio_open_dyn_buf(&context.pointee.pb), "opening the MPEG-TS memory buffer")
        try check(avformat_write_header(context, nil), "writing the MPEG-TS header")
    }

    deinit {
        if let context = self.context {
            var buffer: UnsafeMutablePointer<UInt8>? = nil
            if context.pointee.pb != nil { _ = avio_close_dyn_buf(context.pointee.pb, &buffer) }
            av_free(buffer)
            context.pointee.pb = nil
            avformat_free_context(context)
        }
        var packet: UnsafeMutablePointer<AVPacket>? = self.packet
        av_packet_free(&packet)
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

    /// Writes one frame into the current segment. A frame for a track the segmenter was not opened with is ignored;
    /// a DTS that does not advance is nudged 1 ms past the previous one (MPEG-TS needs it strictly increasing).
    /// - Throws: ``LiveMediaError/libav(operation:code:message:)`` when the muxer rejects the frame, or after ``finish()``.
    public func write(_ media: MediaPacket) throws(LiveMediaError) {
        guard let context = self.context else {
            throw .libav(operation: "MPEGTSSegmenter.write", code: -1, message: "the segmenter was already finished")
        }
        let index = media.track == .video ? self.videoStream : self.audioStream
        guard index >= 0 else { return }
        var dts = media.dts
        let previous = media.track == .video ? self.lastVideoDTS : self.lastAudioDTS
        if let previous, dts <= previous { dts = previous + 1 }
        if media.track == .video { self.lastVideoDTS = dts } else { self.lastAudioDTS = dts }
        let pts = max(media.pts, dts)

        let data = media.track == .video ? self.annexB(media) : media.data
        try check(av_new_packet(self.packet, Int32(data.count)), "allocating a packet")
        data.withUnsafeBufferPointer { self.packet.pointee.data.update(from: $0.baseAddress!, count: data.count) }
        // The muxer set every stream's time base to 90 kHz in avformat_write_header.
        let timeBase = context.pointee.streams[Int(index)]!.pointee.time_base
        self.packet.pointee.stream_index = index
        self.packet.pointee.dts = av_rescale_q(dts, Self.millisecond, timeBase)
        self.packet.pointee.pts = av_rescale_q(pts, Self.millisecond, timeBase)
        self.packet.pointee.flags = media.isKeyframe ? AV_PKT_FLAG_KEY : 0
        // Written in arrival order (FLV is interleaved already): nothing waits in an interleaving queue, so a cut is
        // exactly where it was asked for.
        let result = av_write_frame(context, self.packet)
        av_packet_unref(self.packet)
        try check(result, "muxing a \(media.track == .video ? "video" : "audio") frame into MPEG-TS")
    }

    private static let startCode: [UInt8] = [0, 0, 0, 1]

    /// The frame in Annex B, with the configuration's parameter sets first when it is a keyframe without its own.
    private func annexB(_ media: MediaPacket) -> [UInt8] {
        guard let video = self.video else { return media.data }
        let units = Self.nalUnits(media.data, lengthSize: video.nalLengthSize)
        var output: [UInt8] = []
        output.reserveCapacity(media.data.count + 64)
        if media.isKeyframe, !units.contains(where: { Self.isParameterSet($0, codec: video.codec) }) {
            for parameterSet in video.parameterSets { output += Self.startCode + parameterSet }
        }
        for unit in units { output += Self.startCode + unit }
        return output
    }

    /// The parameter-set NAL units (VPS/SPS/PPS) a length-prefixed frame carries in-band, in order; empty for most
    /// frames. A keyframe whose sets differ from the configuration's changes the stream (a new resolution).
    public static func inBandParameterSets(in frame: [UInt8], of configuration: VideoConfiguration) -> [[UInt8]] {
        Self.nalUnits(frame, lengthSize: configuration.nalLengthSize)
            .filter { Self.isParameterSet($0, codec: configuration.codec) }.map(Array.init)
    }

    private static func isParameterSet(_ unit: ArraySlice<UInt8>, codec: VideoConfiguration.Codec) -> Bool {
        guard let header = unit.first else { return false }
        switch codec {
        case .h264: return (7...8).contains(header & 0x1F)
        case .hevc: return (32...34).contains((header >> 1) & 0x3F)
        }
    }

    /// The NAL units of a frame whose units are each preceded by a `lengthSize`-byte big-endian length; a truncated
    /// last unit is dropped.
    private static func nalUnits(_ frame: [UInt8], lengthSize: Int) -> [ArraySlice<UInt8>] {
        var units: [ArraySlice<UInt8>] = []
        var index = 0
        while index + lengthSize <= frame.count {
            var length = 0
            for byte in frame[index..<(index + lengthSize)] { length = length << 8 | Int(byte) }
            index += lengthSize
            guard length > 0, index + length <= frame.count else { break }
            units.append(frame[index..<(index + length)])
            index += length
        }
        return units
    }

    /// Ends the current segment and returns its bytes (whole 188-byte packets); the next segment starts with PAT
    /// and PMT. Empty when nothing was written since the last cut.
    /// - Throws: ``LiveMediaError/libav(operation:code:message:)`` when the muxer cannot flush, or after ``finish()``.
    public func cut() throws(LiveMediaError) -> [UInt8] {
        guard let context = self.context else {
            throw .libav(operation: "MPEGTSSegmenter.cut", code: -1, message: "the segmenter was already finished")
        }
        // A NULL packet flushes the audio frames the muxer gathers into one PES.
        try check(av_write_frame(context, nil), "flushing the MPEG-TS muxer")
        let bytes = Self.takeBuffer(context)
        try check(avio_open_dyn_buf(&context.pointee.pb), "opening the MPEG-TS memory buffer")
        try check(av_opt_set(context.pointee.priv_data, "mpegts_flags", "+resend_headers", 0), "asking for PAT/PMT")
        return bytes
    }

    /// Writes the trailer and returns the last segment's bytes. Later calls return nothing.
    /// - Throws: ``LiveMediaError/libav(operation:code:message:)`` when the trailer cannot be written.
    public func finish() throws(LiveMediaError) -> [UInt8] {
        guard let context = self.context else { return [] }
        self.context = nil
        let trailer = av_write_trailer(context)
        let bytes = Self.takeBuffer(context)
        avformat_free_context(context)
        try check(trailer, "writing the MPEG-TS trailer")
        return bytes
    }

    /// Closes the context's memory buffer and copies its bytes out.
    private static func takeBuffer(_ context: UnsafeMutablePointer<AVFormatContext>) -> [UInt8] {
        var buffer: UnsafeMutablePointer<UInt8>? = nil
        let size = Int(avio_close_dyn_buf(context.pointee.pb, &buffer))
        context.pointee.pb = nil
        defer { av_free(buffer) }
        guard let buffer, size > 0 else { return [] }
        return Array(UnsafeBufferPointer(start: buffer, count: size))
    }
}
