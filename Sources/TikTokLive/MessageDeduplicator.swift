import Synchronization

/// Remembers the last `capacity` message ids, so an event delivered twice (initial fetch overlapping the
/// WebSocket, history on join, a reconnect with an old cursor) is emitted once. Memory is bounded.
final class MessageDeduplicator: Sendable {
    private struct State {
        var seen: Set<Int64> = []
        var order: [Int64] = []
        var oldest = 0
    }
    private let state = Mutex(State())
    private let capacity: Int

    init(capacity: Int = 20_000) {
        self.capacity = capacity
    }

    /// Records `id` and returns whether it is new. Id 0 (no id) always counts as new.
    func isNew(_ id: Int64) -> Bool {
        guard id != 0 else { return true }
        return self.state.withLock { state in
            guard state.seen.insert(id).inserted else { return false }
            if state.order.count < self.capacity {
                state.order.append(id)
            } else {
                state.seen.remove(state.order[state.oldest])
                state.order[state.oldest] = id
                state.oldest = (state.oldest + 1) % self.capacity
            }
            return true
        }
    }
}
