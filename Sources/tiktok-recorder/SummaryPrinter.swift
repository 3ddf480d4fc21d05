import Foundation
import LiveMedia
import TikTokLive
import TikTokRecorder

/// Formats a finished session for the terminal.
enum SummaryPrinter {
    static func text(_ summary: SessionSummary) -> String {
        let media = summary.media
        var video = "\(media.videoFrames) video frames"
        if let configuration = media.video { video += ", \(configuration.summary)" }
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
        lines += Self.repairLines(media.statistics)
        return lines.joined(separator: "\n")
    }

    /// A remux's or recording's files, figures and repairs.
    static func text(_ statistics: RecordingStatistics, endReason: RecordingSummary.EndReason) -> String {
        var lines: [String] = []
        for segment in statistics.segments {
            lines.append(
                String(
                    format: "%@  %.1f s from %.1f s, %@, %@ (%@)", segment.path, segment.duration, segment.startTime,
                    Self.bytes(segment.bytes), segment.video ?? "no video", segment.reason.rawValue
                )
            )
        }
        lines.append(
            String(
                format: "%d video + %d audio frames, %.1f s, %.2f Mbit/s in, %.1f fps, keyframe every %.1f s",
                statistics.videoFrames, statistics.audioFrames, statistics.mediaDuration, statistics.bitrate / 1e6,
                statistics.framesPerSecond, statistics.keyframeInterval
            )
        )
        lines += Self.repairLines(statistics)
        if case .failed(let reason) = endReason { lines.append("source failed: \(reason)") }
        return lines.joined(separator: "\n")
    }

    private static func repairLines(_ statistics: RecordingStatistics) -> [String] {
        let repairs = statistics.repairs
        var lines: [String] = []
        let counted = [
            ("timestamp rebases", repairs.timestampRebases), ("timestamps smoothed", repairs.timestampsSmoothed),
            ("duplicate GOPs dropped", repairs.duplicateGOPsDropped), ("late audio headers", repairs.lateAudioHeaders),
            ("parameter changes", repairs.parameterChanges), ("of them in-band only", repairs.inBandParameterChanges),
            ("frames discarded", repairs.framesDiscarded),
        ].filter { $0.1 > 0 }
        if !counted.isEmpty {
            lines.append("  repairs    " + counted.map { "\($0.0): \($0.1)" }.joined(separator: ", "))
        }
        if !statistics.splices.isEmpty {
            lines.append(
                String(format: "  splices    %d, %.1f s lost", statistics.splices.count, statistics.lostSeconds)
            )
        }
        if statistics.segments.count > 1 {
            lines.append("  segments   " + statistics.segments.map(\.path).joined(separator: ", "))
        }
        return lines
    }

    static func bytes(_ count: Int64) -> String {
        count >= 1 << 20 ? String(format: "%.1f MiB", Double(count) / 1_048_576) : String(format: "%.0f KiB", Double(count) / 1024)
    }
}
