import Synchronization

/// Everything the simulator did, on its own clock, for tests and benchmarks to compare against.
public final class GroundTruth: Sendable {
    /// An event pushed to the room's WebSocket clients.
    public struct PushedEvent: Sendable, Equatable {
        /// The message id.
        public var msgID: Int64
        /// The schema `type` (`chat`, `control`, …).
        public var type: String
        /// The event's `create_time`, Unix ms.
        public var createTime: Int64
        /// Media time (seconds) of the video frame on air when the event was said.
        public var mediaTime: Double
        /// The comment, for chat events.
        public var comment: String?
    }

    /// One HTTP-FLV response served by the CDN.
    public struct ServedStream: Sendable, Equatable {
        /// Room id.
        public var roomID: Int64
        /// Timestamp (ms) of the first media tag sent.
        public var firstTimestamp: Int64?
        /// Timestamp (ms) of the last media tag sent.
        public var lastTimestamp: Int64?
    }

    private struct State {
        var events: [PushedEvent] = []
        var streams: [ServedStream] = []
        var acks = 0
        var heartbeats = 0
        var faults: [String] = []
        var socketsOpened = 0
    }
    private let state = Mutex(State())

    /// Creates an empty log.
    public init() {}

    /// Events pushed so far, in push order.
    public var pushedEvents: [PushedEvent] { self.state.withLock { $0.events } }
    /// Streams served so far.
    public var servedStreams: [ServedStream] { self.state.withLock { $0.streams } }
    /// Acks received from clients.
    public var acksReceived: Int { self.state.withLock { $0.acks } }
    /// Heartbeats received from clients.
    public var heartbeatsReceived: Int { self.state.withLock { $0.heartbeats } }
    /// Every fault injected or refusal answered, in order (e.g. `signer.serverError`, `handshake.415.DEVICE_BLOCKED`).
    public var faults: [String] { self.state.withLock { $0.faults } }
    /// Event WebSockets accepted so far.
    public var socketsOpened: Int { self.state.withLock { $0.socketsOpened } }

    func recordPushed(_ event: PushedEvent) { self.state.withLock { $0.events.append(event) } }
    func recordAck() { self.state.withLock { $0.acks += 1 } }
    func recordHeartbeat() { self.state.withLock { $0.heartbeats += 1 } }
    func recordFault(_ name: String) { self.state.withLock { $0.faults.append(name) } }
    func recordSocketOpened() { self.state.withLock { $0.socketsOpened += 1 } }

    /// Registers a new stream response and returns its index for ``recordServed(index:timestamp:)``.
    func beginStream(roomID: Int64) -> Int {
        self.state.withLock { state in
            state.streams.append(ServedStream(roomID: roomID))
            return state.streams.count - 1
        }
    }

    func recordServed(index: Int, timestamp: Int64) {
        self.state.withLock { state in
            if state.streams[index].firstTimestamp == nil { state.streams[index].firstTimestamp = timestamp }
            state.streams[index].lastTimestamp = timestamp
        }
    }
}
