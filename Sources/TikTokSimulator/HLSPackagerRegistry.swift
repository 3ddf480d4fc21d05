import Foundation
import Logging
import Synchronization

/// The simulator CDN's HLS packagers, one per stream id, started on the first request for a live's playlist.
///
/// A packager nobody asked anything of for ``idleLimit`` seconds is stopped (a later request starts a new one that
/// numbers on, behind a discontinuity); a finished one is kept that long after the live ended, so players see its
/// `EXT-X-ENDLIST`, then dropped.
final class HLSPackagerRegistry: Sendable {
    /// Seconds without a request after which a packager is stopped or forgotten.
    static let idleLimit = 60.0

    private let packagers = Mutex<[Int64: HLSPackager]>([:])
    private let logger: Logger

    init(logger: Logger) {
        self.logger = logger
    }

    /// The packager already serving `streamID` (running or finished), without starting one.
    func existingPackager(streamID: Int64) -> HLSPackager? {
        self.packagers.withLock { $0[streamID] }
    }

    /// The packager for `room`'s stream: the running one, a new one if the room is live with a broadcast no packager
    /// serves yet, or the finished one of a live that ended; `nil` when the room has no live to package.
    func packager(for room: SimulatedRoom) -> HLSPackager? {
        let broadcast = room.broadcast
        let streamID = room.streamID
        var stopped: [HLSPackager] = []
        defer { for packager in stopped { packager.stop() } }
        return self.packagers.withLock { packagers in
            for (id, packager) in packagers where id != streamID && packager.idleSeconds > Self.idleLimit {
                packagers[id] = nil
                stopped.append(packager)
            }
            let existing = packagers[streamID]
            if let existing {
                if broadcast == nil { return existing }
                if existing.broadcast === broadcast, !existing.wasStoppedWhileLive, existing.idleSeconds <= Self.idleLimit {
                    return existing
                }
                stopped.append(existing)
            }
            guard let broadcast else { return nil }
            let packager = HLSPackager(broadcast: broadcast, firstSequence: existing?.nextSequence ?? 0, logger: self.logger)
            packagers[streamID] = packager
            return packager
        }
    }
}
