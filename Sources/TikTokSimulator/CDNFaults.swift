import Foundation
import Synchronization

/// FLV CDN failures the simulator produces on demand (protocol.md §2): stalls, dropped connections, timestamp
/// jumps, duplicated GOPs after a reconnect, connect-time bursts and a fixed stream latency.
///
/// Thread-safe. Per-viewer faults (stall, drop, duplicated GOP, burst) are used up by the next viewers that connect,
/// one each; a timestamp jump is used up by the next frame a watched broadcast encodes; the latency stays until changed.
/// Every fault is logged in ``GroundTruth/faults`` as `cdn.<name>` when it is applied.
public final class CDNFaults: Sendable {
    /// A stall: the stream stops sending for `duration` seconds once `after` seconds of media were sent.
    struct Stall: Sendable, Equatable {
        var after: Double
        var duration: Double
    }

    /// What happens to one viewer's stream, taken when it connects.
    struct ViewerFaults: Sendable, Equatable {
        var stall: Stall?
        /// Close the connection abruptly once this many seconds of media were sent.
        var dropAfter: Double?
        var duplicatePreviousGOP = false
        /// Seconds of buffered video sent at once on connect.
        var burstSeconds: Double?
        /// Seconds every chunk is held back after it was encoded.
        var latency: Double?

        /// The fault names for ground truth, in a stable order.
        var names: [String] {
            var names: [String] = []
            if self.stall != nil { names.append("cdn.stall") }
            if self.dropAfter != nil { names.append("cdn.drop") }
            if self.duplicatePreviousGOP { names.append("cdn.duplicateGOP") }
            if self.burstSeconds != nil { names.append("cdn.burst") }
            if self.latency != nil { names.append("cdn.latency") }
            return names
        }
    }

    private struct State {
        var stalls: [Stall] = []
        var drops: [Double] = []
        var duplicates = 0
        var bursts: [Double] = []
        var latency: Double?
        var timestampJumps: [Int64] = []
    }

    private let state = Mutex(State())

    /// No faults.
    public init() {}

    /// The next `viewers` streams stop sending for `seconds` once `afterSeconds` of media were sent, with the
    /// connection kept open; what was encoded meanwhile follows in a burst (up to the CDN's ~20 s backlog).
    public func stallNextViewers(_ viewers: Int = 1, forSeconds seconds: Double, afterSeconds: Double = 1) {
        let stall = Stall(after: max(0, afterSeconds), duration: max(0, seconds))
        self.state.withLock { $0.stalls += Array(repeating: stall, count: max(0, viewers)) }
    }

    /// The next `viewers` connections are closed abruptly (no end of the chunked body) after `afterSeconds` of media.
    public func dropNextViewers(_ viewers: Int = 1, afterSeconds: Double) {
        self.state.withLock { $0.drops += Array(repeating: max(0, afterSeconds), count: max(0, viewers)) }
    }

    /// From the next encoded frame on, the stream's timestamps are `milliseconds` later than they would be (once), as
    /// after an encoder restart. Applies to a broadcast that has had a viewer; the first such broadcast uses it up.
    public func jumpTimestamps(byMilliseconds milliseconds: Int) {
        self.state.withLock { $0.timestampJumps.append(Int64(max(0, milliseconds))) }
    }

    /// The next `viewers` that connect get the previous GOP again before the current one, with its original
    /// timestamps, as a CDN edge that replays what a reconnecting client already had.
    public func duplicatePreviousGOPForNextViewers(_ viewers: Int = 1) {
        self.state.withLock { $0.duplicates += max(0, viewers) }
    }

    /// The next `viewers` that connect get the last `seconds` of buffered video (whole GOPs, up to
    /// ``LiveBroadcast/historyLimit`` seconds) at once instead of only the current GOP.
    public func burstNextViewers(_ viewers: Int = 1, seconds: Double) {
        self.state.withLock { $0.bursts += Array(repeating: max(0, seconds), count: max(0, viewers)) }
    }

    /// Every viewer's stream (headers included) is held back by `milliseconds`; the encoder still runs in real time.
    /// `nil` or 0 serves live again. Keep it under the CDN's ~20 s backlog.
    public func setLatency(milliseconds: Int?) {
        self.state.withLock { $0.latency = milliseconds.flatMap { $0 > 0 ? Double($0) / 1000 : nil } }
    }

    // MARK: - For the simulator

    /// The faults for a viewer that is connecting now; one-shot faults are used up.
    func takeViewerFaults() -> ViewerFaults {
        self.state.withLock { state in
            var faults = ViewerFaults()
            if !state.stalls.isEmpty { faults.stall = state.stalls.removeFirst() }
            if !state.drops.isEmpty { faults.dropAfter = state.drops.removeFirst() }
            if state.duplicates > 0 {
                state.duplicates -= 1
                faults.duplicatePreviousGOP = true
            }
            if !state.bursts.isEmpty { faults.burstSeconds = state.bursts.removeFirst() }
            faults.latency = state.latency
            return faults
        }
    }

    /// A pending timestamp jump in milliseconds, used up.
    func takeTimestampJump() -> Int64? {
        self.state.withLock { $0.timestampJumps.isEmpty ? nil : $0.timestampJumps.removeFirst() }
    }
}
