import Synchronization

/// A one-way flag that asks a running transfer or blocking loop to stop at its next check.
///
/// Safe to set from any thread or task; checking it is one atomic load.
public final class StopSignal: Sendable {
    private let flag = Atomic<Bool>(false)

    /// Creates a signal that is not yet raised.
    public init() {}

    /// Raises the signal. Idempotent.
    public func stop() { self.flag.store(true, ordering: .releasing) }

    /// Whether ``stop()`` was called.
    public var isStopped: Bool { self.flag.load(ordering: .acquiring) }
}
