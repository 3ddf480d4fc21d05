import Foundation

/// The catalog's identifier of a part; assigned by the catalog, never reused.
public typealias PartID = Int64

/// One part of a session: one continuous recording (a new MP4 and its sidecars), started after a long drop, a room
/// id change or a restart of the recorder.
public struct PartRecord: Sendable, Equatable, Codable {
    /// The catalog's identifier.
    public var id: PartID
    /// The session the part belongs to.
    public var sessionID: SessionID
    /// The part's position in its session, from 1.
    public var index: Int
    /// The room the part was recorded from.
    public var roomID: String
    /// Why the part started: "start", "return", "roomChange", "restart", …
    public var reason: String
    /// When the part started.
    public var startedAt: Date
    /// When it ended; nil while it is being recorded.
    public var endedAt: Date?
    /// Why it ended ("streamEnded", "stopped", "shutdown", "interrupted", "failed", …); nil while it is recorded.
    public var endReason: String?
    /// Paths relative to the output folder: the MP4s (several after splits) and the sidecars, in order.
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
    /// What went wrong, if anything.
    public var error: String?

    /// Creates a record; the catalog makes these, tests and renderers may too.
    public init(
        id: PartID, sessionID: SessionID, index: Int, roomID: String, reason: String, startedAt: Date,
        endedAt: Date? = nil, endReason: String? = nil, files: [String] = [], mediaSeconds: Double = 0, bytes: Int64 = 0,
        events: Int = 0, diamonds: Int64 = 0, chatGaps: Int = 0, error: String? = nil
    ) {
        self.id = id
        self.sessionID = sessionID
        self.index = index
        self.roomID = roomID
        self.reason = reason
        self.startedAt = startedAt
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

    /// True while the part is being recorded (not finished, not interrupted).
    public var isOpen: Bool { self.endedAt == nil }
}
