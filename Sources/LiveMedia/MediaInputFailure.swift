import CLibAVShims
import Foundation

/// The errors media inputs raise for what is not a libav call failing (a missing file, a broken playlist, a
/// damaged elementary stream), kept in one place so their wording stays consistent.
///
/// They are ``LiveMediaError/libav(operation:code:message:)`` values with libav's matching error code
/// (`ENOENT`, `AVERROR_INVALIDDATA`), so callers classify every input failure with the one error type.
enum MediaInputFailure {
    /// `path` does not exist (or is not readable).
    static func missingFile(_ path: String) -> LiveMediaError {
        .libav(
            operation: "opening \(path)", code: ttr_av_error(ENOENT),
            message: "no such file; check the path (a URL must start with http:// or https://)"
        )
    }

    /// `source` holds data that is not what it should be; `reason` says what was wrong.
    static func invalidData(_ source: String, _ reason: String) -> LiveMediaError {
        .libav(operation: "reading \(source)", code: ttr_av_error_invaliddata(), message: reason)
    }
}
