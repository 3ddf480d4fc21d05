import Synchronization

/// Sign-server and WebSocket failures the simulator produces on demand (protocol.md §3, §6).
///
/// Thread-safe; set a fault and the next matching requests or sockets get it. Each one-shot fault is used up by the
/// request it fails; persistent settings stay until changed.
public final class TransportFaults: Sendable {
    /// How the sign server fails a `/webcast/fetch`.
    public enum SignerFault: Sendable, Equatable {
        /// 401: the API key is wrong.
        case unauthorized
        /// 402: the request needs a paid plan.
        case paymentRequired
        /// 403: no permission.
        case forbidden
        /// 429 with `RateLimit-Remaining: 0` and `RateLimit-Reset` this many seconds ahead.
        case rateLimited(resetInSeconds: Int)
        /// 500 with the message TikTok's WAF caused in 2025 ("Empty response payload received").
        case serverError
        /// 200 with an empty body.
        case emptyBody
        /// 200 with a fetch result whose cursor is empty.
        case missingCursor
    }

    /// How the push server refuses a WebSocket upgrade.
    public struct HandshakeRejection: Sendable, Equatable {
        /// The `handshake-status` header.
        public var status: String
        /// The `handshake-msg` header.
        public var message: String

        /// `415 DEVICE_BLOCKED`, as TikTok answers a missing user agent.
        public static let deviceBlocked = HandshakeRejection(status: "415", message: "DEVICE_BLOCKED")

        /// Creates a rejection.
        public init(status: String, message: String) {
            self.status = status
            self.message = message
        }
    }

    private struct State {
        var signerFaults: [SignerFault] = []
        var requiredAPIKey: String?
        var publishedPerMinute: Int?
        var handshakeRejections: [HandshakeRejection] = []
        var dropSocketsAfterFrames: Int?
        var omitEndMessage = false
        var pingInterval = 10
    }

    private let state = Mutex(State())

    /// No faults.
    public init() {}

    /// The next `/webcast/fetch` requests fail with these faults, one each, in order.
    public func failNextSignerFetches(_ faults: SignerFault...) {
        self.state.withLock { $0.signerFaults += faults }
    }

    /// When set, `/webcast/fetch` and `/webcast/rate_limits` answer 401 unless `X-Api-Key` (or `apiKey`) matches.
    public func requireAPIKey(_ key: String?) {
        self.state.withLock { $0.requiredAPIKey = key }
    }

    /// The per-minute limit `/webcast/rate_limits` publishes (`nil`: the endpoint answers 404, as some signers do).
    public func publishRateLimit(perMinute: Int?) {
        self.state.withLock { $0.publishedPerMinute = perMinute }
    }

    /// The next WebSocket upgrades are refused with these answers, one each, in order.
    public func rejectNextHandshakes(_ rejections: HandshakeRejection...) {
        self.state.withLock { $0.handshakeRejections += rejections }
    }

    /// Every event socket is closed abruptly (no close frame) after it has carried this many `msg` frames
    /// (`nil`: never).
    public func dropSockets(afterFrames frames: Int?) {
        self.state.withLock { $0.dropSocketsAfterFrames = frames }
    }

    /// When `true`, a live ends without its control message: sockets just close.
    public func omitEndMessage(_ omit: Bool) {
        self.state.withLock { $0.omitEndMessage = omit }
    }

    /// The `ping-interval` (seconds) the push server announces in `Handshake-Options`.
    public func announcePingInterval(seconds: Int) {
        self.state.withLock { $0.pingInterval = max(1, seconds) }
    }

    // MARK: - For the simulator

    func takeSignerFault() -> SignerFault? {
        self.state.withLock { $0.signerFaults.isEmpty ? nil : $0.signerFaults.removeFirst() }
    }

    var requiredAPIKey: String? { self.state.withLock { $0.requiredAPIKey } }
    var publishedPerMinute: Int? { self.state.withLock { $0.publishedPerMinute } }

    func takeHandshakeRejection() -> HandshakeRejection? {
        self.state.withLock { $0.handshakeRejections.isEmpty ? nil : $0.handshakeRejections.removeFirst() }
    }

    var hasPendingHandshakeRejection: Bool { self.state.withLock { !$0.handshakeRejections.isEmpty } }
    var dropSocketsAfterFrames: Int? { self.state.withLock { $0.dropSocketsAfterFrames } }
    var omitsEndMessage: Bool { self.state.withLock { $0.omitEndMessage } }
    var pingInterval: Int { self.state.withLock { $0.pingInterval } }
}
