import Foundation

/// One session in the catalog: one live of one creator as a viewer sees it, made of one or more parts.
///
/// The totals (`mediaSeconds`, `bytes`, `events`, `diamonds`) are the sums over the session's parts, including the
/// latest progress of a part still being recorded.
public struct SessionRecord: Sendable, Equatable, Codable {
    /// The catalog's identifier.
    public var id: SessionID
    /// The creator's username, as the session was opened with.
    public var creator: String
    /// The room id of the first part.
    public var firstRoomID: String
    /// The live's title when the session was opened.
    public var title: String
    /// When the session was opened.
    public var startedAt: Date
    /// When it ended (the last part's end); nil while the session is open.
    public var endedAt: Date?
    /// Why it ended; nil while the session is open.
    public var endReason: String?
    /// How many parts were started.
    public var parts: Int
    /// Seconds of media recorded over every part.
    public var mediaSeconds: Double
    /// Bytes written over every part (every file).
    public var bytes: Int64
    /// Chat and other events captured over every part.
    public var events: Int
    /// Diamonds received over every part.
    public var diamonds: Int64
    /// The last error a part finished with, if any.
    public var lastError: String?

    /// Creates a record; the catalog makes these, tests and renderers may too.
    public init(
        id: SessionID, creator: String, firstRoomID: String, title: String, startedAt: Date, endedAt: Date? = nil,
        endReason: String? = nil, parts: Int = 0, mediaSeconds: Double = 0, bytes: Int64 = 0, events: Int = 0,
        diamonds: Int64 = 0, lastError: String? = nil
    ) {
        self.id = id
        self.creator = creator
        self.firstRoomID = firstRoomID
        self.title = title
        self.startedAt = startedAt
        self.endedAt = endedAt
        self.endReason = endReason
        self.parts = parts
        self.mediaSeconds = mediaSeconds
        self.bytes = bytes
        self.events = events
        self.diamonds = diamonds
        self.lastError = lastError
    }

    /// True while the session has not been closed.
    public var isOpen: Bool { self.endedAt == nil }
}
