import Synchronization

/// Cues handed to a running recording from any thread or task (the chat feed), taken by the recording thread,
/// which muxes them into the MP4's timed-text track as the video passes their time.
public final class TimedTextCueQueue: Sendable {
    private let pending = Mutex<[TimedTextCue]>([])

    /// An empty queue.
    public init() {}

    /// Adds a cue (times in seconds on the recording's media timeline). Cues should come roughly in start order.
    public func add(_ cue: TimedTextCue) {
        self.pending.withLock { $0.append(cue) }
    }

    /// Takes every cue added since the last call.
    func takeAll() -> [TimedTextCue] {
        self.pending.withLock { cues in
            defer { cues.removeAll(keepingCapacity: true) }
            return cues
        }
    }
}
