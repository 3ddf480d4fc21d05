import Foundation
import LiveMedia
import TikTokLive
import TikTokRecorder

/// Formats a finished session for the terminal.
enum SummaryPrinter {
    static func text(_ summary: SessionSummary) -> String {
        let media = summary.media
        var video = "\(media.videoFrames) video frames"
        if let configuration = media.video { video += ", \(configuration.width)x\(configuration.height) H.264" }
        if let audio = media.audio { video += " + AAC \(audio.sampleRate) Hz" }
        let ended: String =
            switch media.endReason {
            case .sourceEnded: "the stream ended"
            case .stopped: summary.sawStreamEnd ? "stopped after TikTok's end message" : "stopped on request"
            case .failed(let reason): "the source failed: \(reason)"
            }
        var lines = [
            "recorded @\(summary.uniqueID) (room \(summary.roomID)); \(summary.selection.reason)",
            "  video      \(media.path)",
            String(format: "             %.1f s, %@, %@", media.duration, Self.bytes(media.bytesWritten), video),
            "  chat       \(summary.chatPath) (\(summary.eventCount) events)",
            "  subtitles  \(summary.subtitlesPath)",
            "  ended      \(ended)\(summary.sawStreamEnd ? "; TikTok sent the stream-end message" : "")",
        ]
        if let error = summary.eventFeedError { lines.append("  warning    event feed failed: \(error)") }
        return lines.joined(separator: "\n")
    }

    static func bytes(_ count: Int64) -> String {
        count >= 1 << 20 ? String(format: "%.1f MiB", Double(count) / 1_048_576) : String(format: "%.0f KiB", Double(count) / 1024)
    }
}
