import CLibAV
import CLibAVShims
import Foundation

@testable import LiveMedia

/// Test tooling: encodes a moving grey picture with libx265 (or libx264) and hands back the encoder's Annex B
/// global header and access units, and decodes length-prefixed frames back with libavcodec to check records.
final class EncodedTestVideo {
    /// One encoded access unit, Annex B, with ms timestamps.
    struct Frame {
        var annexB: [UInt8]
        var dts: Int64
        var pts: Int64
        var isKeyframe: Bool
    }

    /// The encoder's global header (VPS/SPS/PPS or SPS/PPS), Annex B.
    let globalHeader: [UInt8]
    /// Every frame, in decode order.
    let frames: [Frame]
    private static let encoding = NSLock()

    /// Encodes `count` frames of `width`×`height` at 25 fps, a keyframe every `gop` frames.
    init(encoder: String = "libx265", width: Int, height: Int, count: Int, gop: Int = 10, globalHeader: Bool = true) throws {
        _ = LibAVLogging.quiet
        // One encoder at a time: parallel tests opening libx264/libx265 together have produced packets without
        // timestamps here.
        Self.encoding.lock()
        defer { Self.encoding.unlock() }
        guard let codec = avcodec_find_encoder_by_name(encoder) else { throw LiveMediaError.encoderUnavailable(encoder) }
        var context = avcodec_alloc_context3(codec)
        var frame = av_frame_alloc()
        var packet = av_packet_alloc()
        defer {
            avcodec_free_context(&context)
            av_frame_free(&frame)
            av_packet_free(&packet)
        }
        guard let context, let frame, let packet else { throw LiveMediaError.noMedia(source: "allocation") }
        context.pointee.width = Int32(width)
        context.pointee.height = Int32(height)
        context.pointee.time_base = AVRational(num: 1, den: 25)
        context.pointee.framerate = AVRational(num: 25, den: 1)
        context.pointee.pix_fmt = AV_PIX_FMT_YUV420P
        context.pointee.gop_size = Int32(gop)
        context.pointee.max_b_frames = 2
        if globalHeader { context.pointee.flags |= AV_CODEC_FLAG_GLOBAL_HEADER }
        av_opt_set(context.pointee.priv_data, "preset", "ultrafast", 0)
        if encoder == "libx265" {
            av_opt_set(context.pointee.priv_data, "x265-params", "log-level=none:keyint=\(gop):min-keyint=\(gop):scenecut=0:bframes=2", 0)
        }
        try check(avcodec_open2(context, codec, nil), "opening \(encoder)")
        self.globalHeader = Array(UnsafeBufferPointer(start: context.pointee.extradata, count: Int(context.pointee.extradata_size)))
        frame.pointee.width = Int32(width)
        frame.pointee.height = Int32(height)
        frame.pointee.format = AV_PIX_FMT_YUV420P.rawValue
        try check(av_frame_get_buffer(frame, 0), "frame buffer")
        var frames: [Frame] = []
        func drain() throws {
            while true {
                let result = avcodec_receive_packet(context, packet)
                if result == ttr_av_error_eagain() || result == ttr_av_error_eof() { return }
                try check(result, "receiving a packet")
                frames.append(
                    Frame(
                        annexB: Array(UnsafeBufferPointer(start: packet.pointee.data, count: Int(packet.pointee.size))),
                        // An encoder may leave dts unset (AV_NOPTS_VALUE) for a frame it emits in order: use pts.
                        dts: (packet.pointee.dts == ttr_av_nopts_value() ? packet.pointee.pts : packet.pointee.dts) &* 40,
                        pts: packet.pointee.pts &* 40,
                        isKeyframe: packet.pointee.flags & AV_PKT_FLAG_KEY != 0))
                av_packet_unref(packet)
            }
        }
        for index in 0..<count {
            try check(av_frame_make_writable(frame), "writable frame")
            for plane in 0..<3 {
                let data = [frame.pointee.data.0, frame.pointee.data.1, frame.pointee.data.2][plane]!
                let stride = Int([frame.pointee.linesize.0, frame.pointee.linesize.1, frame.pointee.linesize.2][plane])
                let rows = plane == 0 ? height : height / 2
                let columns = plane == 0 ? width : width / 2
                for y in 0..<rows {
                    for x in 0..<columns { data[y * stride + x] = UInt8(truncatingIfNeeded: plane == 0 ? x + y + index * 4 : 128) }
                }
            }
            frame.pointee.pts = Int64(index)
            try check(avcodec_send_frame(context, frame), "sending a frame")
            try drain()
        }
        try check(avcodec_send_frame(context, nil), "flushing")
        try drain()
        self.frames = frames
    }

    /// Decodes length-prefixed `frames` with libavcodec, configured only by `configuration`'s record, and returns
    /// how many pictures came out and their size.
    static func decode(_ frames: [[UInt8]], configuration: VideoConfiguration) throws -> (pictures: Int, width: Int, height: Int) {
        _ = LibAVLogging.quiet
        let codecID = configuration.codec == .hevc ? AV_CODEC_ID_HEVC : AV_CODEC_ID_H264
        guard let codec = avcodec_find_decoder(codecID) else { throw LiveMediaError.unsupportedCodec("decoder") }
        var context = avcodec_alloc_context3(codec)
        var frame = av_frame_alloc()
        var packet = av_packet_alloc()
        defer {
            avcodec_free_context(&context)
            av_frame_free(&frame)
            av_packet_free(&packet)
        }
        guard let context, let frame, let packet else { throw LiveMediaError.noMedia(source: "allocation") }
        let record = configuration.decoderConfigurationRecord
        let extradata = av_mallocz(record.count + Int(AV_INPUT_BUFFER_PADDING_SIZE))!.assumingMemoryBound(to: UInt8.self)
        record.withUnsafeBufferPointer { extradata.update(from: $0.baseAddress!, count: record.count) }
        context.pointee.extradata = extradata
        context.pointee.extradata_size = Int32(record.count)
        context.pointee.err_recognition |= AV_EF_EXPLODE
        try check(avcodec_open2(context, codec, nil), "opening the decoder")
        var pictures = 0
        var size = (0, 0)
        func receive() throws {
            while true {
                let result = avcodec_receive_frame(context, frame)
                if result == ttr_av_error_eagain() || result == ttr_av_error_eof() { return }
                try check(result, "decoding")
                pictures += 1
                size = (Int(frame.pointee.width), Int(frame.pointee.height))
            }
        }
        for data in frames {
            try check(av_new_packet(packet, Int32(data.count)), "packet")
            data.withUnsafeBufferPointer { packet.pointee.data.update(from: $0.baseAddress!, count: data.count) }
            let result = avcodec_send_packet(context, packet)
            av_packet_unref(packet)
            try check(result, "sending a packet to the decoder")
            try receive()
        }
        try check(avcodec_send_packet(context, nil), "flushing the decoder")
        try receive()
        return (pictures, size.0, size.1)
    }
}
