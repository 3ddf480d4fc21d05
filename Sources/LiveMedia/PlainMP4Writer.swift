import CLibAV
import CLibAVShims
import CurlTransport
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a plain MP4 copy of a finished recording, in-process: not fragmented, with the `moov` before the
/// `mdat` (`movflags=+faststart`), for players and editors that seek fragmented files badly.
///
/// Recordings are fragmented so that a crash leaves a playable file; the copy is made once a recording is
/// finished, by remuxing every video (H.264/HEVC, sample entry kept: `avc1`, `hvc1` or `hev1`), audio (AAC) and
/// timed-text (`mov_text`, cue times and lengths kept) sample unchanged; see ``PlainMP4Remux`` for how sample
/// durations and leading audio (edit lists) are kept. No frame is decoded.
///
/// The copy is written to a hidden temporary file in the destination's folder (`.NAME.partial-XXXXXXXX`), synced
/// to disk, and renamed to its final name only when complete: the final name never holds a half-written file,
/// even after a crash or power loss. A failure removes the temporary file. An existing file at the destination is
/// replaced; the destination may be the source itself (the fragmented file is then replaced by its plain copy).
///
/// Blocking and I/O-bound (it reads and writes the whole file, and faststart rewrites it once more to move the
/// `moov`): call the synchronous form on a thread of its own, not on Swift's cooperative pool, or use the `async`
/// form, which does that.
public enum PlainMP4Writer {
    /// Writes a plain, faststart copy of `fragmentedPath` to `plainPath`. Blocks; see the type's notes.
    /// - Returns: the finished file's path, size and sample counts.
    /// - Throws: ``LiveMediaError`` naming the file and the reason: the source cannot be opened or read, or holds
    ///   no video, audio or timed text (``LiveMediaError/noMedia(source:)``); the copy cannot be created (a missing
    ///   or unwritable folder), written (a full disk says so), synced or renamed. Nothing is left behind then.
    public static func writePlainCopy(of fragmentedPath: String, to plainPath: String) throws(LiveMediaError) -> PlainMP4Result {
        let temporaryPath = Self.temporaryPath(for: plainPath)
        var renamed = false
        defer { if !renamed { unlink(temporaryPath) } }
        let counts = try PlainMP4Remux(sourcePath: fragmentedPath, temporaryPath: temporaryPath, finalPath: plainPath).run()
        try Self.sync(temporaryPath, for: plainPath)
        guard rename(temporaryPath, plainPath) == 0 else {
            throw Self.error(code: ttr_av_error(errno), operation: "renaming \(temporaryPath) to \(plainPath)")
        }
        renamed = true
        var status = stat()
        let bytes = stat(plainPath, &status) == 0 ? Int64(status.st_size) : 0
        return PlainMP4Result(
            path: plainPath, bytes: bytes, videoPackets: counts.video, audioPackets: counts.audio, subtitlePackets: counts.subtitle)
    }

    /// Writes a plain, faststart copy of `fragmentedPath` to `plainPath` on a dedicated thread (off the
    /// cooperative pool) and waits for it. Cancelling the awaiting task does not stop the copy.
    /// - Returns: the finished file's path, size and sample counts.
    /// - Throws: the ``LiveMediaError`` of the synchronous form; nothing is left behind then.
    public static func writePlainCopy(of fragmentedPath: String, to plainPath: String) async throws -> PlainMP4Result {
        try await runOnDedicatedThread(name: "plain-mp4") {
            try Self.writePlainCopy(of: fragmentedPath, to: plainPath)
        }
    }

    /// A hidden name next to `path`, unique to this call: `DIR/.NAME.partial-XXXXXXXX`.
    static func temporaryPath(for path: String) -> String {
        let slash = path.lastIndex(of: "/")
        let folder = slash.map { String(path[...$0]) } ?? ""
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        return "\(folder).\(name).partial-\(UUID().uuidString.prefix(8))"
    }

    /// `fsync`s the finished temporary file, so the rename never publishes data still only in memory.
    private static func sync(_ temporaryPath: String, for plainPath: String) throws(LiveMediaError) {
        let descriptor = open(temporaryPath, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw Self.error(code: ttr_av_error(errno), operation: "syncing \(plainPath) to disk") }
        defer { close(descriptor) }
        while fsync(descriptor) != 0 {
            let code = errno
            if code == EINTR { continue }
            throw Self.error(code: ttr_av_error(code), operation: "syncing \(plainPath) to disk")
        }
    }

    /// The error for a failed libav or system call (`code` is a libav code, `AVERROR(errno)` for system calls):
    /// a full disk (ENOSPC, EDQUOT) says so and that the source is untouched; anything else gets libav's text.
    static func error(code: Int32, operation: String) -> LiveMediaError {
        let message: String
        if code == ttr_av_error(ENOSPC) || code == ttr_av_error(EDQUOT) {
            message =
                "the disk is full (\(code == ttr_av_error(ENOSPC) ? "ENOSPC" : "EDQUOT")); the partial copy was removed "
                + "and the recording it was copied from is untouched: free space and write the copy again"
        } else {
            message = libavErrorText(code)
        }
        return .libav(operation: operation, code: code, message: message)
    }
}
