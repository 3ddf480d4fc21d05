import CLibAV
import CLibAVShims

/// One MP4 file of a recording, written through libavformat's `mp4` muxer into a ``FileOutput``: an H.264 or
/// HEVC track, an AAC track, and optionally a `mov_text` timed-text track. Owns the muxer, the file and the
/// reusable packet. Not thread-safe and not `Sendable`: create, write and finish it on one (dedicated) thread.
///
/// The file is a fragmented MP4 (`movflags=frag_keyframe+empty_moov+default_base_moof`, `min_frag_duration` =
/// ``MP4OutputOptions/fragmentDuration``): the `moov` at the start describes the tracks with no samples and every
/// fragment (`moof` + `mdat`, starting at a video keyframe) is self-contained, so `kill -9`, a power loss or a full
/// disk leaves a file that plays up to its last complete fragment. `default_base_moof` makes each fragment's data
/// offsets relative to its own `moof` (what browsers' MSE and the CMAF profile expect). ``finish()`` adds the last
/// fragment and the `mfra` random-access index, which ffmpeg/mpv/Chromium read for the duration and for seeking.
/// Not used: `faststart` (needs the whole file rewritten at the end, and the fragmented `moov` is already at the
/// start); `frag_discont` (for fragments continuing another muxer's timeline, as in HLS/DASH; every file here
/// starts at 0).
///
/// A file whose audio starts before the first video keyframe (`videoStart` > 0) also gets `delay_moov`: with the
/// `moov` written up front libavformat 5.1 cannot say that the video track starts later, and moves it to 0 while
/// squeezing the audio before it into samples one tick long (the picture then runs early by `videoStart` and
/// chat cues land that much too early). Delayed, the `moov` goes out with the first fragment and an edit list
/// places the video where it starts; crash safety is the same, since nothing before the first fragment is kept
/// anyway.
///
/// Timed text: ``TimedTextTrack`` flattens the cues into contiguous samples (empty ones in the gaps), each with an
/// explicit duration, released once the video has passed their end and written between the video packets so they
/// land in the same fragments. libavformat 5.1's own `mov_text` gap filling is switched off (see the header code):
/// it compares timestamps of different time bases, and the empty samples it inserts end fragments with a guessed
/// duration that shifts every later cue. Reading back: FFmpeg 5.1's MP4 demuxer gives samples inside fragments no
/// duration, so its tools see zero-length cues; since the samples are contiguous, a cue ends where the next sample
/// starts (``MediaFileInspector`` does that; mpv shows a cue without duration until the next one).
final class MP4SegmentWriter {
    /// The file being written.
    let path: String
    private let options: MP4OutputOptions
    private let output: FileOutput
    private var context: UnsafeMutablePointer<AVFormatContext>?
    private let packet: UnsafeMutablePointer<AVPacket>
    private var videoStream: Int32 = -1
    private var audioStream: Int32 = -1
    private var subtitleStream: Int32 = -1
    private var timeBases: [AVRational] = []
    private var timedText = TimedTextTrack()
    private var sampleBuffer: [UInt8] = []
    /// End (ms) of the media the timed text is clipped to: the video's, or the audio's in an audio-only file.
    private var mediaEnd: Int64 = 0
    private var lastSync: ContinuousClock.Instant
    private var failure: LiveMediaError?
    /// Where (ms) the video starts after the audio; 0 when they start together.
    private let videoStart: Int64
    private static let millisecond = AVRational(num: 1, den: 1000)

    /// Bytes handed to the file so far.
    var bytesWritten: Int64 { self.output.bytesWritten }
    /// Fragments written so far (each starts at a video keyframe).
    var fragmentsWritten: Int { self.output.fragmentsStarted }
    /// Successful `fsync` calls so far (stats and tests).
    var syncCount: Int { self.output.syncCount }
    /// Cues that arrived after the media had passed their end and so could not be shown.
    var droppedCues: Int { self.timedText.droppedCues }

    /// Creates (or truncates) the file at `path` and writes the MP4 header (`ftyp` + empty `moov`).
    /// - Parameters:
    ///   - video: the video track's configuration (`avcC` → `avc1`; `hvcC` → `hvc1`, or `hev1` when
    ///     ``MP4OutputOptions/inBandParameterSets``), or nil for audio only.
    ///   - audio: the AAC track's configuration, or nil for video only.
    /// - Throws: ``LiveMediaError/libav(operation:code:message:)`` naming the file when it cannot be created or
    ///   the muxer refuses the tracks.
    ///   - videoStart: ms after the file's start at which the first video frame comes (audio leads it), or 0.
    convenience init(
        path: String, video: VideoConfiguration?, audio: AACConfiguration?, options: MP4OutputOptions, videoStart: Int64 = 0
    ) throws(LiveMediaError) {
        try self.init(output: FileOutput(path: path), video: video, audio: audio, options: options, videoStart: videoStart)
    }

    /// Writes into an already opened ``FileOutput`` (tests use it to simulate a full disk).
    init(
        output: FileOutput, video: VideoConfiguration?, audio: AACConfiguration?, options: MP4OutputOptions,
        videoStart: Int64 = 0
    ) throws(LiveMediaError) {
        _ = LibAVLogging.quiet
        self.path = output.path
        self.output = output
        self.options = options
        self.videoStart = video == nil ? 0 : max(0, videoStart)
        self.lastSync = ContinuousClock.now
        guard let packet = av_packet_alloc() else {
            throw .libav(operation: "av_packet_alloc", code: ttr_av_error(ENOMEM), message: "out of memory")
        }
        self.packet = packet
        guard video != nil || audio != nil else {
            throw .libav(operation: "creating \(path)", code: ttr_av_error(EINVAL), message: "no video or audio track to write")
        }
        var context: UnsafeMutablePointer<AVFormatContext>? = nil
        try check(avformat_alloc_output_context2(&context, nil, "mp4", nil), "creating the MP4 muxer for \(path)")
        guard let context else { throw .libav(operation: "avformat_alloc_output_context2", code: -1, message: "no context") }
        self.context = context
        context.pointee.pb = output.context
        context.pointee.flags |= AVFMT_FLAG_CUSTOM_IO

        if let video {
            let parameters = try self.addStream(AVMEDIA_TYPE_VIDEO, &self.videoStream)
            parameters.pointee.width = Int32(video.width)
            parameters.pointee.height = Int32(video.height)
            switch video.codec {
            case .h264:
                parameters.pointee.codec_id = AV_CODEC_ID_H264
                Self.setExtradata(parameters, video.decoderConfigurationRecord)
            case .hevc:
                parameters.pointee.codec_id = AV_CODEC_ID_HEVC
                let complete = !options.inBandParameterSets
                parameters.pointee.codec_tag = Self.fourCC(complete ? "hvc1" : "hev1")
                Self.setExtradata(parameters, Self.hvcC(video.decoderConfigurationRecord, arraysComplete: complete))
            }
        }
        if let audio {
            let parameters = try self.addStream(AVMEDIA_TYPE_AUDIO, &self.audioStream)
            parameters.pointee.codec_id = AV_CODEC_ID_AAC
            parameters.pointee.sample_rate = Int32(audio.sampleRate)
            parameters.pointee.frame_size = 1024
            av_channel_layout_default(&parameters.pointee.ch_layout, Int32(audio.channels))
            Self.setExtradata(parameters, audio.audioSpecificConfig)
        }
        if options.subtitleTrack {
            let parameters = try self.addStream(AVMEDIA_TYPE_SUBTITLE, &self.subtitleStream)
            parameters.pointee.codec_id = AV_CODEC_ID_MOV_TEXT
            // The track header's size; players that draw the text box lay it over the picture.
            parameters.pointee.width = Int32(video?.width ?? 0)
            parameters.pointee.height = Int32(video?.height ?? 0)
            Self.setExtradata(parameters, Self.textSampleEntry)
        }

        var dictionary: OpaquePointer? = nil
        defer { av_dict_free(&dictionary) }
        let delayMoov = self.videoStart > 0 ? "+delay_moov" : ""
        av_dict_set(&dictionary, "movflags", "frag_keyframe+empty_moov+default_base_moof" + delayMoov, 0)
        let microseconds = String(Int64(max(0, (options.fragmentDuration / .microseconds(1)).rounded())))
        av_dict_set(&dictionary, "min_frag_duration", microseconds, 0)
        if video == nil {
            // No keyframes to cut at: cut audio-only files by duration instead.
            av_dict_set(&dictionary, "frag_duration", microseconds, 0)
        }
        try self.checkOutput(avformat_write_header(context, &dictionary), "writing the MP4 header of \(path)")
        if self.subtitleStream >= 0 {
            // The `tx3g` sample entry is written; now hide the codec from libavformat 5.1's mov_text gap filling.
            // Before every packet of any track it compares the text track's end (its own time base) with that
            // packet's DTS (the packet's time base) and inserts a zero-length empty sample when the first is
            // smaller, which with 16 kHz video and 44.1 kHz audio is nearly always; a fragment ending with such a
            // sample gets the previous sample's duration and every later cue shifts. Our samples are already
            // contiguous, so nothing is lost by turning the filler off.
            context.pointee.streams[Int(self.subtitleStream)]!.pointee.codecpar.pointee.codec_id = AV_CODEC_ID_TEXT
        }
        // The muxer picks each track's timescale; packets are rescaled from ms into it.
        self.timeBases = (0..<Int(context.pointee.nb_streams)).map { context.pointee.streams[$0]!.pointee.time_base }
    }

    private func addStream(_ type: AVMediaType, _ index: inout Int32) throws(LiveMediaError) -> UnsafeMutablePointer<AVCodecParameters> {
        guard let context = self.context, let stream = avformat_new_stream(context, nil) else {
            throw .libav(operation: "avformat_new_stream", code: ttr_av_error(ENOMEM), message: "out of memory")
        }
        stream.pointee.time_base = Self.millisecond
        stream.pointee.codecpar.pointee.codec_type = type
        index = stream.pointee.index
        return stream.pointee.codecpar
    }

    private static func setExtradata(_ parameters: UnsafeMutablePointer<AVCodecParameters>, _ bytes: [UInt8]) {
        let padding = Int(AV_INPUT_BUFFER_PADDING_SIZE)
        guard let buffer = av_mallocz(bytes.count + padding)?.assumingMemoryBound(to: UInt8.self) else { return }
        bytes.withUnsafeBufferPointer { buffer.update(from: $0.baseAddress!, count: bytes.count) }
        parameters.pointee.extradata = buffer
        parameters.pointee.extradata_size = Int32(bytes.count)
    }

    /// A four-character code as libav stores it (`MKTAG`: first character in the low byte).
    static func fourCC(_ code: String) -> UInt32 {
        code.utf8.prefix(4).reversed().reduce(0) { ($0 << 8) | UInt32($1) }
    }

    /// The `hvcC` record with every parameter-set array's `array_completeness` bit set (`hvc1`: all parameter sets
    /// are here) or cleared (`hev1`: more may come in-band). A record too short to walk is returned unchanged.
    static func hvcC(_ record: [UInt8], arraysComplete: Bool) -> [UInt8] {
        var record = record
        guard record.count > 22 else { return record }
        var offset = 23
        for _ in 0..<Int(record[22]) {
            guard offset + 3 <= record.count else { return record }
            record[offset] = arraysComplete ? record[offset] | 0x80 : record[offset] & 0x7F
            let count = Int(record[offset + 1]) << 8 | Int(record[offset + 2])
            offset += 3
            for _ in 0..<count {
                guard offset + 2 <= record.count else { return record }
                offset += 2 + (Int(record[offset]) << 8 | Int(record[offset + 1]))
            }
        }
        return record
    }

    /// The body of the `tx3g` sample entry (3GPP TS 26.245 TextSampleEntry after the common SampleEntry fields,
    /// which the muxer writes): without it libavformat writes a truncated entry that players reject. Bottom-centred
    /// white text on a transparent background, one font. Font and size are Arial at 16, the defaults of the ASS/SRT
    /// converters (libavcodec's among them), so converting the track to `.srt` adds no `<font>` tags.
    private static let textSampleEntry: [UInt8] = {
        let fontName = Array("Arial".utf8)
        var entry: [UInt8] = [0, 0, 0, 0]  // displayFlags
        entry += [0x01, 0xFF]  // horizontal: centre; vertical: bottom
        entry += [0, 0, 0, 0]  // background colour RGBA: transparent
        entry += [0, 0, 0, 0, 0, 0, 0, 0]  // default text box (top, left, bottom, right): the track's size
        entry += [0, 0, 0, 0, 0, 1, 0, 16, 0xFF, 0xFF, 0xFF, 0xFF]  // style: chars 0-0, font 1, plain, 16, white
        let fontTableSize = 8 + 2 + 2 + 1 + fontName.count
        entry += [0, 0, 0, UInt8(fontTableSize)] + Array("ftab".utf8) + [0, 1, 0, 1, UInt8(fontName.count)] + fontName
        return entry
    }()

    /// Whether the file has a track for `track`.
    func hasTrack(_ track: MediaPacket.Track) -> Bool {
        (track == .video ? self.videoStream : self.audioStream) >= 0
    }

    /// Writes one packet. Its timestamps are ms on this file's timeline (the first video keyframe at 0) and
    /// `duration` is its length in ms (the last sample of a fragment gets exactly this). Per track, DTS must
    /// strictly increase (the caller guarantees it). A video packet first releases the timed-text samples the
    /// video has passed, so they go into the same fragment; a keyframe at least ``MP4OutputOptions/fragmentDuration``
    /// after the last fragment start closes that fragment, which is then synced per ``MP4OutputOptions/syncPolicy``.
    /// - Throws: ``LiveMediaError/libav(operation:code:message:)`` naming the file: a full disk says so (the file
    ///   then ends at its last complete fragment and every later write throws the same error).
    func write(_ media: MediaPacket, duration: Int64) throws(LiveMediaError) {
        if let failure = self.failure { throw failure }
        let index = media.track == .video ? self.videoStream : self.audioStream
        guard index >= 0, !media.data.isEmpty else { return }
        if self.subtitleStream >= 0 && (media.track == .video || self.videoStream < 0) {
            // With a delayed moov, libavformat cuts no fragment until every track has a sample; the text track's
            // first (the stretch before the video) goes out with the first video frame, not cueLatency later.
            let horizon = max(media.dts - Self.cueLatency, media.track == .video ? min(media.dts, self.videoStart) : 0)
            try self.writeTimedText(self.timedText.samples(through: horizon))
        }
        let result = media.data.withUnsafeBufferPointer { data in
            self.send(index, data, dts: media.dts, pts: media.pts, duration: duration, keyframe: media.isKeyframe)
        }
        try self.checkOutput(result, "writing a \(media.track == .video ? "video" : "audio") packet to \(self.path)")
        // A keyframe may have closed a fragment: hand all of it to the file now, not when the I/O buffer fills, so a
        // crash never loses more than the fragment being written.
        if media.isKeyframe, media.track == .video { self.output.flush() }
        if media.track == .video || self.videoStream < 0 {
            self.mediaEnd = max(self.mediaEnd, media.pts + max(duration, 0))
        }
        try self.syncIfDue()
    }

    /// How far (ms) the timed-text track trails the video. A cue is stamped with the media time that was on air when
    /// it was said, but reaches the recorder later (chat comes over the network, in batches); samples released as
    /// soon as the video passed them would have to clip such a cue. 5 s covers TikTok's chat delivery; a crash loses
    /// at most these last seconds of text besides the unfinished fragment.
    static let cueLatency: Int64 = 5_000

    /// Adds a cue (seconds on this file's timeline). It is written once the video has passed its end; overlapping
    /// cues share samples, one line each. Without a subtitle track this does nothing.
    func addCue(_ cue: TimedTextCue) {
        guard self.subtitleStream >= 0 else { return }
        self.timedText.add(cue)
    }

    private func writeTimedText(_ samples: [TimedTextTrack.Sample]) throws(LiveMediaError) {
        for sample in samples {
            self.sampleBuffer = TimedTextTrack.sampleBytes(sample.text)
            let result = self.sampleBuffer.withUnsafeBufferPointer { data in
                self.send(
                    self.subtitleStream, data, dts: sample.start, pts: sample.start, duration: sample.end - sample.start,
                    keyframe: true)
            }
            try self.checkOutput(result, "writing a timed-text sample to \(self.path)")
        }
    }

    /// Hands one sample to the muxer without copying it: the packet points at `data` only during the call.
    private func send(
        _ index: Int32, _ data: UnsafeBufferPointer<UInt8>, dts: Int64, pts: Int64, duration: Int64, keyframe: Bool
    ) -> Int32 {
        guard let context = self.context, let base = data.baseAddress else { return ttr_av_error(EINVAL) }
        let timeBase = self.timeBases[Int(index)]
        let packet = self.packet
        packet.pointee.data = UnsafeMutablePointer(mutating: base)
        packet.pointee.size = Int32(data.count)
        packet.pointee.stream_index = index
        packet.pointee.dts = av_rescale_q(dts, Self.millisecond, timeBase)
        packet.pointee.pts = av_rescale_q(pts, Self.millisecond, timeBase)
        packet.pointee.duration = av_rescale_q(duration, Self.millisecond, timeBase)
        packet.pointee.flags = keyframe ? AV_PKT_FLAG_KEY : 0
        // Not av_interleaved_write_frame: it would copy every packet and hold video back until the sparse
        // timed-text track has a packet. The fragmented muxer keeps a buffer per track, so order across tracks
        // does not matter.
        let result = av_write_frame(context, packet)
        packet.pointee.data = nil
        packet.pointee.size = 0
        return result
    }

    /// Syncs after a completed fragment when the policy says so.
    private func syncIfDue() throws(LiveMediaError) {
        guard self.output.fragmentsStarted > self.syncedFragments else { return }
        self.syncedFragments = self.output.fragmentsStarted
        switch self.options.syncPolicy {
        case .never:
            return
        case .everyFragment:
            break
        case .interval(let interval):
            guard ContinuousClock.now - self.lastSync >= interval else { return }
        }
        do {
            try self.output.sync()
        } catch {
            self.failure = error
            throw error
        }
        self.lastSync = ContinuousClock.now
    }
    private var syncedFragments = 0

    /// Turns a libav result into the error to throw: the file's own failure (with its full-disk message) wins
    /// over libav's generic code. Either one is kept, so later writes throw it too.
    private func checkOutput(_ result: Int32, _ operation: String) throws(LiveMediaError) {
        if let failure = self.output.failure ?? self.failure {
            self.failure = failure
            throw failure
        }
        do {
            try check(result, operation)
        } catch {
            self.failure = error
            throw error
        }
    }

    /// Writes the pending timed text (clipped to the end of the media), the last fragment and the `mfra` index,
    /// syncs (unless the policy is ``FileSyncPolicy/never``) and closes the file. Later calls do nothing.
    /// - Throws: the write or sync error naming the file; the file then keeps every complete fragment. After an
    ///   earlier write failure it closes the file and throws that failure again.
    func finish() throws(LiveMediaError) {
        guard let context = self.context else { return }
        defer { self.release() }
        if let failure = self.failure { throw failure }
        if self.subtitleStream >= 0 {
            try self.writeTimedText(self.timedText.finish(at: self.mediaEnd))
        }
        try self.checkOutput(av_write_trailer(context), "writing the end of \(self.path)")
        if self.options.syncPolicy == .never {
            self.output.flush()
            try self.checkOutput(0, "writing the end of \(self.path)")
        } else {
            do {
                try self.output.sync()
            } catch {
                self.failure = error
                throw error
            }
        }
    }

    /// Closes the file as a crash would: what the muxer still buffers (the unfinished fragment) is dropped, the
    /// complete fragments stay. For giving up a file, and for tests of crash safety.
    func abandon() {
        self.release()
    }

    private func release() {
        guard let context = self.context else { return }
        self.context = nil
        context.pointee.pb = nil
        self.output.close()
        avformat_free_context(context)
    }

    deinit {
        // Dropped without finish(): an error path. Behave like a crash; the complete fragments stay playable.
        self.release()
        var packet: UnsafeMutablePointer<AVPacket>? = self.packet
        av_packet_free(&packet)
    }
}
