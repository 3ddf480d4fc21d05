import Foundation

/// What the service is doing, at one moment: every creator, every recording in progress, the request budget, the
/// disk and the configuration. Made by the ``Watcher`` on request; the status server serves it as JSON.
///
/// Holds no secret: no cookie, key or proxy credentials.
public struct StatusSnapshot: Sendable, Codable, Equatable {
    /// One watched creator.
    public struct Creator: Sendable, Codable, Equatable {
        /// The @username, without the @.
        public var username: String
        /// One of `offline`, `live`, `recording`, `waiting`, `blocked`, `error`, `disabled`.
        public var state: String
        /// When the state began.
        public var since: Date
        /// When the last live check finished.
        public var lastCheck: Date?
        /// When the next live check is due (`nil` while recording or disabled).
        public var nextCheck: Date?
        /// What the last check found, in a few words.
        public var lastOutcome: String?
        /// The last error (kept after the creator healed, for the record).
        public var lastError: String?
        /// Failures in a row (0 when the last check went through).
        public var consecutiveFailures: Int
        /// The session being recorded or waited for.
        public var sessionID: Int64?
        /// The room being confirmed or recorded.
        public var roomID: String?
        /// Seconds between two checks while offline, as configured for this creator.
        public var interval: Double
    }

    /// One recording in progress.
    public struct Recording: Sendable, Codable, Equatable {
        /// The creator's @username.
        public var username: String
        /// The catalog's session.
        public var sessionID: Int64
        /// The part of the session (1 for the first).
        public var part: Int
        /// The room recorded.
        public var roomID: String
        /// The live's title.
        public var title: String
        /// The MP4 being written, relative to the output folder.
        public var file: String
        /// When this part started.
        public var startedAt: Date
        /// Seconds of media written.
        public var seconds: Double
        /// Bytes written.
        public var bytes: Int64
        /// Current bitrate, bits per second.
        public var bitrate: Double
        /// Events written to the sidecar.
        public var chatEvents: Int
        /// Diamonds counted so far.
        public var diamonds: Int64
        /// Whether the event feed is down now (a stretch without chat is being recorded as such).
        public var chatDown: Bool
        /// Stretches without chat so far.
        public var chatGaps: Int
    }

    /// The request budget to TikTok's web endpoints.
    public struct Budget: Sendable, Codable, Equatable {
        /// The configured budget.
        public var requestsPerMinute: Int
        /// Requests sent in the last 60 s.
        public var usedLastMinute: Int
        /// Requests in the last 60 s by endpoint group (`userLookup`, `roomInfo`, `checkAlive`, `feed`, `other`).
        public var usedByGroup: [String: Int]
        /// While TikTok blocks us: when the backoff ends.
        public var blockedUntil: Date?
        /// Seconds between two checks of one creator that the budget really allows for this list.
        public var effectiveInterval: Double
        /// Whether TikTok's Following feed is used for detection now.
        public var followingFeed: Bool
    }

    /// The output folder's disk.
    public struct Disk: Sendable, Codable, Equatable {
        /// The output folder.
        public var path: String
        /// Free bytes for us, or `nil` when unknown.
        public var freeBytes: Int64?
        /// Below this no new recording starts.
        public var minimumFreeBytes: Int64
        /// Whether new recordings are held back for lack of space.
        public var lowSpace: Bool
    }

    /// The configuration in force.
    public struct Configuration: Sendable, Codable, Equatable {
        /// The file it came from.
        public var file: String?
        /// When it was loaded.
        public var loadedAt: Date
        /// Why the last reload was refused (the running configuration was kept), or `nil`.
        public var reloadError: String?
    }

    /// Every creator, in configuration order.
    public var creators: [Creator]
    /// Every recording in progress.
    public var recordings: [Recording]
    /// The request budget.
    public var budget: Budget
    /// The output disk.
    public var disk: Disk
    /// The configuration.
    public var configuration: Configuration
    /// When the service started.
    public var startedAt: Date
    /// When this snapshot was made.
    public var at: Date
    /// Whether the service is shutting down (finishing its files).
    public var shuttingDown: Bool
}
