import Foundation
import LiveMedia
import Logging
import Synchronization

/// The simulator CDN's HLS packagers, one per stream id and codec, each started on the first request for its playlist.
///
/// A packager nobody asked anything of for ``idleLimit`` seconds is stopped (a later request starts a new one that
/// numbers on, behind a discontinuity); a finished one is kept that long after the live ended, so players see its
/// `EXT-X-ENDLIST`, then dropped. Idle packagers are noticed on the next HLS request for any stream.
final class HLSPackagerRegistry: Sendable {
    /// Which packager: a stream id (CDN URLs name it) and the codec its renditions serve.
    struct Key: Hashable, Sendable {
        var streamID: Int64
        var codec: VideoConfiguration.Codec
    }

    /// Seconds without a request after which a packager is stopped or forgotten.
    static let idleLimit = 60.0

    private let packagers = Mutex<[Key: HLSPackager]>([:])
    private let logger: Logger

    init(logger: Logger) {
        self.logger = logger
    }

    /// The packager already serving `key` (running or finished), without starting one.
    func existingPackager(_ key: Key) -> HLSPackager? {
        self.packagers.withLock { $0[key] }
    }

    /// The packager for `key` given the live's current feed in that codec (`nil` when the room is not live): the
    /// running one, a new one for a feed no packager serves yet, or the finished one of a live that ended; `nil`
    /// when there is nothing to package.
    func packager(_ key: Key, broadcast: LiveBroadcast?) -> HLSPackager? {
        var stopped: [HLSPackager] = []
        defer { for packager in stopped { packager.stop() } }
        return self.packagers.withLock { packagers in
            for (other, packager) in packagers where other != key && packager.idleSeconds > Self.idleLimit {
                packagers[other] = nil
                stopped.append(packager)
            }
            let existing = packagers[key]
            if let existing {
                if broadcast == nil { return existing }
                if existing.broadcast === broadcast, !existing.wasStoppedWhileLive, existing.idleSeconds <= Self.idleLimit {
                    return existing
                }
                stopped.append(existing)
            }
            guard let broadcast else { return nil }
            let packager = HLSPackager(broadcast: broadcast, firstSequence: existing?.nextSequence ?? 0, logger: self.logger)
            packagers[key] = packager
            return packager
        }
    }
}
