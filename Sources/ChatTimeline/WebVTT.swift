import Foundation

/// WebVTT formatting: pure functions, no I/O.
public enum WebVTT {
    /// The file header.
    public static let header = "WEBVTT\n\n"

    /// `HH:MM:SS.mmm` for a non-negative time in seconds.
    public static func timestamp(_ seconds: Double) -> String {
        let totalMilliseconds = Int64((max(seconds, 0) * 1000).rounded())
        let hours = totalMilliseconds / 3_600_000
        let minutes = totalMilliseconds / 60_000 % 60
        let secs = totalMilliseconds / 1000 % 60
        let millis = totalMilliseconds % 1000
        return "\(pad(hours, 2)):\(pad(minutes, 2)):\(pad(secs, 2)).\(pad(millis, 3))"
    }

    /// One cue block, with `&`, `<` and `>` escaped and line breaks flattened so text cannot end the cue early.
    public static func cue(index: Int, start: Double, end: Double, text: String) -> String {
        let escaped = text.replacingOccurrences(of: "&", with: "&amp;")
            .replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
            .replacingOccurrences(of: "\r", with: " ")
            .replacingOccurrences(of: "\n", with: " ")
        return "\(index)\n\(timestamp(start)) --> \(timestamp(end))\n\(escaped)\n\n"
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }
}
