import Synchronization

/// Web-side failures the simulator produces on demand (protocol.md §1.6, §6).
///
/// Thread-safe; set a fault and the next matching requests get it.
public final class WebFaults: Sendable {
    private let state = Mutex(State())

    struct State {}

    /// No faults.
    public init() {}
}
