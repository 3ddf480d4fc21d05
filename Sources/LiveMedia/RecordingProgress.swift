import Synchronization

/// A live view of one recording's ``RecordingStatistics``, updated by the recording thread and readable from any
/// thread or task (a status page, a metrics exporter, a log line).
///
/// Updates are published a few times per second of media (every keyframe and every 100 frames), not per frame.
public final class RecordingProgress: Sendable {
    private let current = Mutex(RecordingStatistics())

    /// A progress that has seen nothing yet.
    public init() {}

    /// The latest published statistics.
    public var snapshot: RecordingStatistics { self.current.withLock { $0 } }

    func publish(_ statistics: RecordingStatistics) {
        self.current.withLock { $0 = statistics }
    }
}
