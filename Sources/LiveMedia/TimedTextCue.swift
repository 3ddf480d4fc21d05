/// A line of timed text for the recording's subtitle track: shown from `start` to `end` (seconds on the
/// recording's media timeline, the same one ``MediaArrival/mediaTime`` uses).
public struct TimedTextCue: Sendable, Equatable {
    /// When the text appears, in seconds.
    public var start: Double
    /// When it disappears, in seconds (after `start`).
    public var end: Double
    /// The text, UTF-8, may contain line breaks.
    public var text: String

    /// Creates a cue.
    public init(start: Double, end: Double, text: String) {
        self.start = start
        self.end = end
        self.text = text
    }
}
