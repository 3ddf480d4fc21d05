import Foundation
import Synchronization

/// The one thread that paces every broadcast in ``SimulatorScenario/Encoder/loop`` mode: it wakes every
/// ``tick`` seconds and has each broadcast send every frame that has fallen due, so 100 looping lives cost one
/// thread, not 100.
///
/// The thread starts with the first broadcast added and ends when the last one has stopped.
final class LoopPacer: Sendable {
    /// The process-wide pacer.
    static let shared = LoopPacer()

    /// Seconds between wake-ups (frames are due every 33 ms at 30 fps; up to two go out per wake-up).
    static let tick = 0.02

    private struct State {
        var broadcasts: [ObjectIdentifier: LiveBroadcast] = [:]
        var running = false
    }

    private let state = Mutex(State())

    /// Paces `broadcast` from the next tick on, until its ``LiveBroadcast/advanceLoop(now:)`` says it has stopped.
    func add(_ broadcast: LiveBroadcast) {
        let start = self.state.withLock { state in
            state.broadcasts[ObjectIdentifier(broadcast)] = broadcast
            defer { state.running = true }
            return !state.running
        }
        guard start else { return }
        let thread = Thread { [self] in self.run() }
        thread.name = "sim-loop-pacer"
        thread.start()
    }

    private func run() {
        var next = Date().timeIntervalSince1970
        while true {
            let broadcasts = self.state.withLock { state in
                if state.broadcasts.isEmpty { state.running = false }
                return Array(state.broadcasts.values)
            }
            if broadcasts.isEmpty { return }
            let now = Date().timeIntervalSince1970
            for broadcast in broadcasts where !broadcast.advanceLoop(now: now) {
                _ = self.state.withLock { $0.broadcasts.removeValue(forKey: ObjectIdentifier(broadcast)) }
            }
            next = max(next + Self.tick, Date().timeIntervalSince1970 + Self.tick / 4)
            let wait = next - Date().timeIntervalSince1970
            if wait > 0 { Thread.sleep(forTimeInterval: wait) }
        }
    }
}
