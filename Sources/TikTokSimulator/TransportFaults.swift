import Synchronization

/// Sign-server and WebSocket failures the simulator produces on demand (protocol.md §3, §6).
///
/// Thread-safe; set a fault and the next matching requests or sockets get it.
public final class TransportFaults: Sendable {
    private let state = Mutex(State())

    struct State {}

    /// No faults.
    public init() {}
}
