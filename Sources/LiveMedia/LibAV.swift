import CLibAV
import CLibAVShims

/// The one funnel for libav return codes: negative means failure, with `av_strerror`'s text.
@discardableResult
func check(_ code: Int32, _ operation: String) throws(LiveMediaError) -> Int32 {
    guard code < 0 else { return code }
    throw LiveMediaError.libav(operation: operation, code: code, message: libavErrorText(code))
}

/// libav's text for an error code.
func libavErrorText(_ code: Int32) -> String {
    var buffer = [CChar](repeating: 0, count: 256)
    av_strerror(code, &buffer, buffer.count)
    return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

/// libav logs to stderr by default; the package keeps it quiet unless asked.
enum LibAVLogging {
    static let quiet: Void = {
        ttr_av_set_log_sink(nil)
    }()
}
