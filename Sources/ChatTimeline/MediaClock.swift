import Synchronization

/// Maps wall-clock times onto a recording's media timeline.
///
/// Fed with (media time, arrival time) pairs of video frames, it keeps the earliest wall time at which media
/// time 0 can have been on air: `min(arrival - mediaTime)`. A frame cannot arrive before it was broadcast, and
/// the frame that arrives with the least delay bounds it best, so a connect-time burst of buffered frames or
/// later network jitter does not skew the mapping. Server times are converted with `serverClockOffset`
/// (server minus local, seconds). Thread-safe: observations come from the recording thread, queries from tasks.
public final class MediaClock: Sendable {
    private struct State {
        var mediaZeroWallClock: Double?
        var serverClockOffset: Double = 0
        var firstMediaTime: Double?
        var latestMediaTime: Double?
    }

    /// How much media the clock must have seen before its mapping counts as settled: more than a CDN's connect
    /// burst (one 2 s GOP sent at once), so that frames paced at the live edge have bounded it.
    public static let settlingSpan = 3.0
    private let state = Mutex(State())

    /// Creates a clock that knows nothing yet.
    public init() {}

    /// Records that the frame at `mediaTime` (seconds) arrived at Unix time `wallClock` (seconds).
    public func observe(mediaTime: Double, wallClock: Double) {
        let candidate = wallClock - mediaTime
        self.state.withLock { state in
            if state.firstMediaTime == nil { state.firstMediaTime = mediaTime }
            state.latestMediaTime = max(state.latestMediaTime ?? mediaTime, mediaTime)
            if let current = state.mediaZeroWallClock, current <= candidate { return }
            state.mediaZeroWallClock = candidate
        }
    }

    /// Sets the estimated offset between the server's clock and ours (server minus local, seconds).
    public func setServerClockOffset(_ offset: Double) {
        self.state.withLock { $0.serverClockOffset = offset }
    }

    /// Whether at least one frame has been observed, so times can be mapped.
    public var isSynchronized: Bool { self.state.withLock { $0.mediaZeroWallClock != nil } }

    /// Whether the clock has seen ``settlingSpan`` seconds of media: the mapping no longer rests on the connect
    /// burst alone, whose frames arrive late by up to a GOP.
    public var isSettled: Bool {
        self.state.withLock { state in
            guard let first = state.firstMediaTime, let latest = state.latestMediaTime else { return false }
            return latest - first >= Self.settlingSpan
        }
    }

    /// The media time (seconds) at which an event stamped `serverTimeMilliseconds` happened, or `nil` before the
    /// first frame. May be negative for events from before the recording started.
    public func mediaTime(serverTimeMilliseconds: Int64) -> Double? {
        self.state.withLock { state in
            guard let zero = state.mediaZeroWallClock else { return nil }
            return Double(serverTimeMilliseconds) / 1000 - state.serverClockOffset - zero
        }
    }
}
