import Foundation

/// Identifies a recording session in the catalog.
public typealias SessionID = Int64

/// How one creator is watched (from the configuration).
public struct WatchSettings: Sendable, Equatable {
    /// The gap between two lookups of an offline creator, in seconds (±10 % jitter is added); default 60.
    public var interval: TimeInterval
    /// Whether the creator is watched at all; default true.
    public var enabled: Bool
    /// How long a dropped live may take to come back and still continue its session, in seconds; default 180.
    public var returnWindow: TimeInterval
    /// The gap between lookups while waiting for a return, in seconds; default 15.
    public var waitingInterval: TimeInterval
    /// The first retry delay after a failure, in seconds; it doubles with each further failure; default 30.
    public var errorBackoffInitial: TimeInterval
    /// The longest retry delay after failures, in seconds; default 900.
    public var errorBackoffMax: TimeInterval
    /// The gap between lookups of a username TikTok does not know, in seconds; default 3600.
    public var notFoundInterval: TimeInterval

    /// Settings with the documented defaults for every value not given.
    public init(
        interval: TimeInterval = 60, enabled: Bool = true, returnWindow: TimeInterval = 180,
        waitingInterval: TimeInterval = 15, errorBackoffInitial: TimeInterval = 30,
        errorBackoffMax: TimeInterval = 900, notFoundInterval: TimeInterval = 3600
    ) {
        self.interval = interval
        self.enabled = enabled
        self.returnWindow = returnWindow
        self.waitingInterval = waitingInterval
        self.errorBackoffInitial = errorBackoffInitial
        self.errorBackoffMax = errorBackoffMax
        self.notFoundInterval = notFoundInterval
    }
}
