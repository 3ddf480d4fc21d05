import Foundation

/// Whether TikTok's Following feed is used to notice lives early (`watch.followingFeed`).
public enum FollowingFeedChoice: String, Sendable, Equatable, CaseIterable {
    /// Used when a session cookie is configured.
    case auto
    /// Always used; without a session cookie the service reports that it cannot.
    case on
    /// Never used.
    case off
}

/// The `watch:` section: how often creators are checked and how much the service may do at once.
public struct WatchSection: Sendable, Equatable {
    /// The default gap in seconds between two live checks of one creator (at least 1).
    public var interval: TimeInterval
    /// The whole process's budget of TikTok web requests per minute (1…10000).
    public var requestsPerMinute: Int
    /// Seconds within which a live that drops and returns continues its session (0 or more).
    public var returnWindow: TimeInterval
    /// The most recordings running at once (at least 1).
    public var maxConcurrentRecordings: Int
    /// Below this many free bytes on the output's disk no new recording starts.
    public var minimumFreeBytes: Int64
    /// Whether the Following feed is used.
    public var followingFeed: FollowingFeedChoice

    /// Creates the section; the defaults are those of a file that leaves `watch:` out.
    public init(
        interval: TimeInterval = 60, requestsPerMinute: Int = 30, returnWindow: TimeInterval = 180, maxConcurrentRecordings: Int = 20,
        minimumFreeBytes: Int64 = 2_000_000_000, followingFeed: FollowingFeedChoice = .auto
    ) {
        self.interval = interval
        self.requestsPerMinute = requestsPerMinute
        self.returnWindow = returnWindow
        self.maxConcurrentRecordings = maxConcurrentRecordings
        self.minimumFreeBytes = minimumFreeBytes
        self.followingFeed = followingFeed
    }
}
