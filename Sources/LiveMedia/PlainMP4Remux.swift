import CLibAV
import CLibAVShims

/// The libav half of ``PlainMP4Writer``: reads every video, audio and timed-text sample of one MP4 (normally a
/// fragmented recording) and writes them unchanged into a regular MP4 whose `moov` comes first (`faststart`).
/// Owns the demuxer, the muxer with its file, and the packets it holds back. Blocking; use it on one thread.
///
/// Sample durations: FFmpeg 5.1's MP4 demuxer gives samples inside fragments no duration. A regular MP4 stores
/// a sample's duration as the distance to the next sample's decode time, so only each track's last sample needs
/// one; every packet is therefore held back until the next one of its track arrives, which gives it its
/// duration. A track's last sample ends where the demuxer says the track ends (the sum of the stored
/// durations), else one step (the track's previous sample duration) after it starts. That keeps the timed-text
/// cues' lengths, including the last one's.
///
/// Timed text: the `tx3g` sample entry is written from the copied parameters; after the header the track is
/// hidden from libavformat 5.1's `mov_text` gap filling, as in ``MP4SegmentWriter`` (it compares timestamps of
/// different time bases and would add empty zero-length samples, and one more at the end). The fragmented
/// recording already carries contiguous samples, so nothing is lost.
///
/// Timestamps are copied as the demuxer presents them, edit lists applied: a track that starts later (video after
/// leading audio) starts later in the copy too, where the muxer's own edit list puts it.
final class PlainMP4Remux {
    /// One copied track, indexed like the output's streams.
    private struct Track {
        var inputIndex: Int
        var mediaType: AVMediaType
        var inputTimeBase: AVRational
        /// Where the demuxer says the track ends (input time base), if it says.
        var end: Int64?
        /// The packet waiting for its successor (owned; empty when `isPending` is false).
        var pending: UnsafeMutablePointer<AVPacket>
        var isPending = false
        /// The last duration handed out, for a last sample the container gives no end for.
        var lastStep: Int64 = 0
        var samplesWritten = 0
    }

    private let sourcePath: String
    private let finalPath: String
    private var input: UnsafeMutablePointer<AVFormatContext>?
    private var output: UnsafeMutablePointer<AVFormatContext>?
    /// The output stream of each input stream, or -1 for one that is not copied.
    private var outputIndex: [Int] = []
    private var tracks: [Track] = []

    /// Opens `sourcePath` and prepares a muxer writing to `temporaryPath`; errors name `finalPath`.
    /// - Throws: ``LiveMediaError`` when the source cannot be opened or read, has no video, audio or timed text
    ///   (``LiveMediaError/noMedia(source:)``), or the temporary file cannot be created.
    init(sourcePath: String, temporaryPath: String, finalPath: String) throws(LiveMediaError) {
        _ = LibAVLogging.quiet
        self.sourcePath = sourcePath
        self.finalPath = finalPath
        var input: UnsafeMutablePointer<AVFormatContext>? = nil
        try check(avformat_open_input(&input, sourcePath, nil, nil), "opening \(sourcePath)")
        self.input = input
        guard let input else { throw .libav(operation: "opening \(sourcePath)", code: -1, message: "no context") }
        try check(avformat_find_stream_info(input, nil), "reading the stream info of \(sourcePath)")

        var output: UnsafeMutablePointer<AVFormatContext>? = nil
        try check(avformat_alloc_output_context2(&output, nil, "mp4", temporaryPath), "creating the MP4 muxer for \(finalPath)")
        self.output = output
        guard let output else { throw .libav(operation: "creating the MP4 muxer", code: -1, message: "no context") }
        for index in 0..<Int(input.pointee.nb_streams) {
            self.outputIndex.append(try self.addTrack(copying: input.pointee.streams[index]!, to: output))
        }
        guard !self.tracks.isEmpty else { throw .noMedia(source: sourcePath) }
        try self.checkOutput(
            avio_open(&output.pointee.pb, temporaryPath, AVIO_FLAG_WRITE), "creating \(temporaryPath) for \(finalPath)")
    }

    deinit {
        for track in self.tracks {
            var packet: UnsafeMutablePointer<AVPacket>? = track.pending
            av_packet_free(&packet)
        }
        if let output = self.output {
            avio_closep(&output.pointee.pb)
            avformat_free_context(output)
        }
        avformat_close_input(&self.input)
    }

    /// Adds an output stream copying a video, audio or subtitle stream; returns its index, or -1 for other kinds.
    private func addTrack(
        copying stream: UnsafeMutablePointer<AVStream>, to output: UnsafeMutablePointer<AVFormatContext>
    ) throws(LiveMediaError) -> Int {
        let parameters = stream.pointee.codecpar!
        let type = parameters.pointee.codec_type
        guard type == AVMEDIA_TYPE_VIDEO || type == AVMEDIA_TYPE_AUDIO || type == AVMEDIA_TYPE_SUBTITLE else { return -1 }
        guard let copy = avformat_new_stream(output, nil), let packet = av_packet_alloc() else {
            throw .libav(operation: "avformat_new_stream", code: ttr_av_error(ENOMEM), message: "out of memory")
        }
        try check(avcodec_parameters_copy(copy.pointee.codecpar, parameters), "copying the parameters of \(self.sourcePath)")
        // Keep the source's sample entry (`avc1`, `hvc1` or `hev1`, `mp4a`, `tx3g`) when MP4 allows it for the
        // codec; otherwise let the muxer choose.
        let tag = parameters.pointee.codec_tag
        if tag != 0, av_codec_get_id(output.pointee.oformat.pointee.codec_tag, tag) != parameters.pointee.codec_id {
            copy.pointee.codecpar.pointee.codec_tag = 0
        }
        copy.pointee.time_base = stream.pointee.time_base
        let duration = stream.pointee.duration
        self.tracks.append(
            Track(
                inputIndex: Int(stream.pointee.index), mediaType: type, inputTimeBase: stream.pointee.time_base,
                end: duration > 0 && duration != ttr_av_nopts_value() ? duration : nil, pending: packet))
        return self.tracks.count - 1
    }

    /// Writes the whole copy: header, every sample, the `moov` moved to the front, and closes the file.
    /// - Returns: samples written per media type.
    /// - Throws: ``LiveMediaError`` naming the file that failed: the source when it cannot be read, the plain MP4
    ///   when it cannot be written (a full disk says so).
    func run() throws(LiveMediaError) -> (video: Int, audio: Int, subtitle: Int) {
        guard let input = self.input, let output = self.output else { return (0, 0, 0) }
        var options: OpaquePointer? = nil
        defer { av_dict_free(&options) }
        av_dict_set(&options, "movflags", "+faststart", 0)
        try self.checkOutput(avformat_write_header(output, &options), "writing the MP4 header of \(self.finalPath)")
        for index in self.tracks.indices {
            let parameters = output.pointee.streams[index]!.pointee.codecpar!
            // The `tx3g` sample entry's tag is chosen; now hide the codec from the muxer's gap filling.
            if parameters.pointee.codec_id == AV_CODEC_ID_MOV_TEXT { parameters.pointee.codec_id = AV_CODEC_ID_TEXT }
        }

        guard let packet = av_packet_alloc() else {
            throw .libav(operation: "av_packet_alloc", code: ttr_av_error(ENOMEM), message: "out of memory")
        }
        defer {
            var freed: UnsafeMutablePointer<AVPacket>? = packet
            av_packet_free(&freed)
        }
        while true {
            let result = av_read_frame(input, packet)
            if result == ttr_av_error_eof() { break }
            try check(result, "reading a packet from \(self.sourcePath)")
            let streamIndex = Int(packet.pointee.stream_index)
            guard streamIndex < self.outputIndex.count, self.outputIndex[streamIndex] >= 0 else {
                av_packet_unref(packet)
                continue
            }
            try self.hold(packet, track: self.outputIndex[streamIndex])
        }
        for index in self.tracks.indices where self.tracks[index].isPending {
            try self.writePending(index, nextDTS: nil)
        }
        try self.checkOutput(av_write_trailer(output), "writing the index of \(self.finalPath)")
        try self.checkOutput(avio_closep(&output.pointee.pb), "closing \(self.finalPath)")
        return (
            video: self.samplesWritten(AVMEDIA_TYPE_VIDEO), audio: self.samplesWritten(AVMEDIA_TYPE_AUDIO),
            subtitle: self.samplesWritten(AVMEDIA_TYPE_SUBTITLE)
        )
    }

    private func samplesWritten(_ type: AVMediaType) -> Int {
        self.tracks.filter { $0.mediaType == type }.map(\.samplesWritten).reduce(0, +)
    }

    /// Writes the track's waiting packet (now that its successor is known) and keeps `packet` in its place.
    private func hold(_ packet: UnsafeMutablePointer<AVPacket>, track index: Int) throws(LiveMediaError) {
        if self.tracks[index].isPending {
            try self.writePending(index, nextDTS: Self.decodeTime(packet))
        }
        av_packet_move_ref(self.tracks[index].pending, packet)
        self.tracks[index].isPending = true
    }

    /// Gives the waiting packet a duration when it has none (up to `nextDTS`; for the last one, up to the track's
    /// end or one step on), moves it into the output's time base and hands it to the interleaving muxer.
    private func writePending(_ index: Int, nextDTS: Int64?) throws(LiveMediaError) {
        guard let output = self.output else { return }
        let packet = self.tracks[index].pending
        let dts = Self.decodeTime(packet)
        if packet.pointee.duration <= 0 {
            let end = nextDTS ?? self.tracks[index].end.flatMap { $0 > dts ? $0 : nil } ?? dts + self.tracks[index].lastStep
            packet.pointee.duration = max(0, end - dts)
        }
        self.tracks[index].lastStep = packet.pointee.duration
        self.tracks[index].isPending = false
        packet.pointee.stream_index = Int32(index)
        packet.pointee.pos = -1
        av_packet_rescale_ts(packet, self.tracks[index].inputTimeBase, output.pointee.streams[index]!.pointee.time_base)
        // The muxer takes the packet's data and leaves it empty.
        try self.checkOutput(av_interleaved_write_frame(output, packet), "writing \(self.finalPath)")
        self.tracks[index].samplesWritten += 1
    }

    /// A packet's decode time, or its presentation time when the container gave no decode time.
    private static func decodeTime(_ packet: UnsafeMutablePointer<AVPacket>) -> Int64 {
        packet.pointee.dts == ttr_av_nopts_value() ? packet.pointee.pts : packet.pointee.dts
    }

    /// Throws for a failed write to the plain MP4; a full disk says so.
    private func checkOutput(_ result: Int32, _ operation: String) throws(LiveMediaError) {
        guard result < 0 else { return }
        throw PlainMP4Writer.error(code: result, operation: operation)
    }
}
