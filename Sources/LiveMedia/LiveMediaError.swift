/// A failure reading a live stream or writing a recording.
public enum LiveMediaError: Error, CustomStringConvertible, Sendable, Equatable {
    /// A libav call failed: the operation, its error code and libav's own text.
    case libav(operation: String, code: Int32, message: String)
    /// The FLV byte stream is not valid FLV at `offset`.
    case malformedFLV(offset: Int64, reason: String)
    /// The stream uses a codec this build cannot record yet.
    case unsupportedCodec(String)
    /// The source ended before any audio or video was received.
    case noMedia(source: String)
    /// The encoder needed for the test pattern is missing from this libavcodec.
    case encoderUnavailable(String)
    /// A live source sent nothing new for `after` (an HLS playlist that stopped growing without `#EXT-X-ENDLIST`).
    case stalled(source: String, after: Duration, detail: String)
    /// A media file ends inside a frame at byte `offset`, as a recording cut off by a crash does; everything before
    /// it was read.
    case truncated(path: String, offset: Int64)

    public var description: String {
        switch self {
        case .libav(let operation, let code, let message):
            "\(operation) failed: \(message) (libav error \(code))"
        case .malformedFLV(let offset, let reason):
            "invalid FLV data at byte \(offset): \(reason)"
        case .unsupportedCodec(let codec):
            "unsupported codec: \(codec)"
        case .noMedia(let source):
            "\(source) ended before any audio or video arrived"
        case .stalled(let source, let after, let detail):
            "\(source) sent nothing new for \(after): \(detail)"
        case .truncated(let path, let offset):
            "\(path) ends inside a frame at byte \(offset) (it was cut off); everything before was read"
        case .encoderUnavailable(let name):
            "the libavcodec encoder '\(name)' is not available; install Debian's libavcodec with libx264 (libavcodec59)"
        }
    }
}
