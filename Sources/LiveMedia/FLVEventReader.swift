/// The FLV half every FLV input shares: bytes in, ``MediaInputEvent``s out to a sink, through ``FLVTagParser`` and
/// ``FLVDemuxer``. Confined to the input's thread.
struct FLVEventReader {
    private var parser = FLVTagParser()
    private let demuxer = FLVDemuxer()

    /// Parses `bytes` and hands every configuration and frame they complete to `sink`, after reporting the byte count.
    /// - Throws: ``LiveMediaError`` for malformed FLV or unsupported codecs, or whatever `sink` throws.
    mutating func consume(_ bytes: UnsafeRawBufferPointer, sink: any MediaInputSink) throws {
        sink.received(bytes: bytes.count)
        for tag in try self.parser.push(bytes) {
            if let output = try self.demuxer.demux(tag) { try sink.receive(output.event) }
        }
    }

    /// Bytes parsed so far.
    var offset: Int64 { self.parser.offset }
}
