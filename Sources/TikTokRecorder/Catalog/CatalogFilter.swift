import Foundation

/// Which sessions ``RecordingCatalog/sessions(_:)`` returns, and in which order.
public struct CatalogFilter: Sendable, Equatable {
    /// Only this creator's sessions (matched without regard to case); nil for every creator.
    public var creator: String?
    /// Only sessions that started at or after this instant.
    public var from: Date?
    /// Only sessions that started before this instant.
    public var to: Date?
    /// At most this many sessions (0 or less returns none).
    public var limit: Int
    /// Newest first (by start) when true, oldest first when false.
    public var newestFirst: Bool

    /// Creates a filter; the default is the newest 100 sessions of every creator.
    public init(creator: String? = nil, from: Date? = nil, to: Date? = nil, limit: Int = 100, newestFirst: Bool = true) {
        self.creator = creator
        self.from = from
        self.to = to
        self.limit = limit
        self.newestFirst = newestFirst
    }
}
