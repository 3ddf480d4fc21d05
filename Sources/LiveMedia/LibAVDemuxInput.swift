import CurlTransport

/// A local media file in any container libavformat reads (MPEG-TS, MP4, MKV, FLV with H.264, raw `.h264`/`.hevc`
/// …) holding H.264 or HEVC video and/or AAC audio; the way to rescue old TS and MP4 recordings.
///
/// Frames come out normalised (see ``MediaInputEvent``): Annex B video becomes length-prefixed, with a
/// ``VideoConfiguration`` built from its in-band parameter sets before the first frame and after every change;
/// ADTS audio becomes raw AAC with its configuration. HEVC in FLV is not readable by Debian's libavformat 5.1:
/// use ``FLVFileInput`` for FLV files (``MediaInputs/open(_:headers:proxy:stallTimeout:readInterval:)`` does).
public struct LibAVDemuxInput: MediaInput {
    /// The file.
    public let path: String

    /// Creates an input for the file at `path` (nothing is opened until ``run(stop:sink:)``).
    public init(path: String) {
        self.path = path
    }

    /// `media file <path>`.
    public var description: String { "media file \(self.path)" }

    /// Reads the whole file, or until `stop` is raised.
    /// - Throws: ``LiveMediaError``: `.libav` when the file is missing, not a media file or damaged;
    ///   `.unsupportedCodec` when its video or audio is neither H.264/HEVC nor AAC; or what `sink` throws.
    public func run(stop: StopSignal, sink: any MediaInputSink) throws {
        let demuxer = try LibAVDemuxer(path: self.path)
        let normalizer = ElementaryStreamNormalizer(source: self.path, unwrapTimestamps: false)
        try demuxer.forEachPacket(stop: stop) { packet in
            sink.received(bytes: packet.data.count)
            try normalizer.take(packet) { try sink.receive($0) }
        }
    }
}
