import Foundation

/// How a part ended and what it produced: what ``RecordingCatalog/finishPart(_:_:)`` stores.
public struct PartResult: Sendable, Equatable {
    /// When the part ended.
    public var endedAt: Date
    /// Why it ended: "streamEnded", "stopped", "shutdown", "failed", …
    public var endReason: String
    /// Every file of the part, relative to the output folder (replaces the list given so far).
    public var files: [String]
    /// Seconds of media recorded.
    public var mediaSeconds: Double
    /// Bytes written (every file).
    public var bytes: Int64
    /// Chat and other events captured.
    public var events: Int
    /// Diamonds received.
    public var diamonds: Int64
    /// Stretches without chat.
    public var chatGaps: Int
    /// What went wrong, if anything (also becomes the session's `lastError`).
    public var error: String?

    /// Creates a result.
    public init(
        endedAt: Date, endReason: String, files: [String], mediaSeconds: Double, bytes: Int64, events: Int,
        diamonds: Int64 = 0, chatGaps: Int = 0, error: String? = nil
    ) {
        self.endedAt = endedAt
        self.endReason = endReason
        self.files = files
        self.mediaSeconds = mediaSeconds
        self.bytes = bytes
        self.events = events
        self.diamonds = diamonds
        self.chatGaps = chatGaps
        self.error = error
    }
}
