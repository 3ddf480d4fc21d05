import Foundation

/// Everything a ``TikTokLiveClient`` needs to know once: where TikTok (or a simulator) is, who we claim to be,
/// how we reach it and what we keep for bug reports.
///
/// Every base URL can be pointed at `tiktok-sim`. Secrets (`signerAPIKey`, `sessionID`) are never logged, and
/// ``description`` hides them.
public struct TikTokLiveConfiguration: Sendable, CustomStringConvertible {
    /// The web host: `/api-live/user/room/`, `/@user/live`.
    public var webBaseURL: String
    /// The webcast API host: `/webcast/room/info/`, `/webcast/room/check_alive/`, gifts, feed.
    public var webcastBaseURL: String
    /// The Euler-compatible sign server that performs the initial `/webcast/fetch`.
    public var signerBaseURL: String
    /// TikTok's push WebSocket, used directly by the signature-free transport (the signer names its own).
    public var pushServerURL: String
    /// The sign server's API key, sent as `X-Api-Key`, or `nil`.
    public var signerAPIKey: String?
    /// A logged-in `sessionid` cookie for 18+ and private rooms, or `nil`.
    public var sessionID: String?
    /// The account's data-centre cookie `tt-target-idc`.
    public var targetIDC: String
    /// The browser user agent used for web requests and the WebSocket handshake.
    public var userAgent: String
    /// Proxy for every request, HTTP and WebSocket (`http://`, `https://`, `socks5://`, `socks5h://`), or `nil` to
    /// use the environment (see ``ProxyResolver``).
    public var proxy: String?
    /// Proxy for the WebSocket only, overriding ``proxy``, or `nil`.
    public var webSocketProxy: String?
    /// How the event feed is opened: through a sign server, or with no third party at all.
    public var eventTransport: EventTransport
    /// Whether the WebSocket asks for gzip-compressed payloads.
    public var compressWebSocket: Bool
    /// Whether every HTTP request is logged (at `debug`, URL redacted) with its status and duration.
    public var logRequests: Bool
    /// Whether event types whose schema only one client library documents are decoded into typed events;
    /// when `false` they arrive as ``LiveEvent/Kind/unknown(payload:)`` with the raw payload.
    public var experimentalEvents: Bool
    /// A file every WebSocket message sent and received is appended to (`TTLIVE-WS-TRACE 1`), or `nil`.
    public var webSocketTraceFile: String?
    /// How dropped event sockets are re-opened while the room is live.
    public var reconnect: ReconnectPolicy
    /// How many requests per minute may go to the sign server when it does not publish its own limit.
    public var signerRequestsPerMinute: Int
    /// Admits every web request before it is sent (a request budget), or `nil` to send them as they come.
    public var requestGate: (any WebRequestGate)?

    /// How the event feed's first fetch and WebSocket URL are obtained (protocol.md §3.1).
    public enum EventTransport: String, Sendable, CaseIterable {
        /// An Euler-compatible sign server performs `/webcast/fetch` and returns the push server and cookies.
        case signer
        /// No third party: a `ttwid` cookie from TikTok's web, then the WebSocket directly with our own parameters.
        case signatureFree = "signature-free"
    }

    /// Backoff for re-opening a dropped event socket.
    public struct ReconnectPolicy: Sendable {
        /// Attempts in a row before giving up (0 disables reconnecting).
        public var maxAttempts: Int
        /// Delay before the first attempt; doubled after each failure.
        public var initialDelay: Duration
        /// The longest delay between attempts.
        public var maxDelay: Duration

        /// Creates a policy. The defaults follow the maintainers' advice: 5 s, growing to a minute.
        public init(maxAttempts: Int = 8, initialDelay: Duration = .seconds(5), maxDelay: Duration = .seconds(60)) {
            self.maxAttempts = maxAttempts
            self.initialDelay = initialDelay
            self.maxDelay = maxDelay
        }

        /// The delay before attempt `attempt` (1-based), with up to 20 % random jitter.
        public func delay(beforeAttempt attempt: Int) -> Duration {
            var delay = self.initialDelay
            for _ in 1..<max(1, attempt) where delay < self.maxDelay { delay *= 2 }
            delay = min(delay, self.maxDelay)
            return delay + delay * Double.random(in: 0...0.2)
        }
    }

    /// The real TikTok endpoints and a current desktop Chrome user agent.
    public init(
        webBaseURL: String = "https://www.tiktok.com",
        webcastBaseURL: String = "https://webcast.tiktok.com",
        signerBaseURL: String = "https://tiktok.eulerstream.com",
        pushServerURL: String = "wss://webcast-ws.tiktok.com/webcast/im/ws_proxy/ws_reuse_supplement/",
        signerAPIKey: String? = nil,
        sessionID: String? = nil,
        targetIDC: String = "useast1a",
        userAgent: String =
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
        proxy: String? = nil,
        webSocketProxy: String? = nil,
        eventTransport: EventTransport = .signer,
        compressWebSocket: Bool = true,
        logRequests: Bool = false,
        experimentalEvents: Bool = true,
        webSocketTraceFile: String? = nil,
        reconnect: ReconnectPolicy = ReconnectPolicy(),
        signerRequestsPerMinute: Int = 10
    ) {
        self.webBaseURL = webBaseURL
        self.webcastBaseURL = webcastBaseURL
        self.signerBaseURL = signerBaseURL
        self.pushServerURL = pushServerURL
        self.signerAPIKey = signerAPIKey
        self.sessionID = sessionID
        self.targetIDC = targetIDC
        self.userAgent = userAgent
        self.proxy = proxy
        self.webSocketProxy = webSocketProxy
        self.eventTransport = eventTransport
        self.compressWebSocket = compressWebSocket
        self.logRequests = logRequests
        self.experimentalEvents = experimentalEvents
        self.webSocketTraceFile = webSocketTraceFile
        self.reconnect = reconnect
        self.signerRequestsPerMinute = signerRequestsPerMinute
        self.requestGate = nil
    }

    /// Every endpoint on one local server, as `tiktok-sim` serves them.
    public static func simulator(baseURL: String) -> TikTokLiveConfiguration {
        let webSocketBase = baseURL.replacingOccurrences(of: "https://", with: "wss://").replacingOccurrences(of: "http://", with: "ws://")
        return TikTokLiveConfiguration(
            webBaseURL: baseURL, webcastBaseURL: baseURL, signerBaseURL: baseURL,
            pushServerURL: webSocketBase + "/webcast/im/ws_proxy/ws_reuse_supplement/"
        )
    }

    /// The settings with secrets replaced by `<set>`.
    public var description: String {
        "TikTokLiveConfiguration(web: \(self.webBaseURL), webcast: \(self.webcastBaseURL), signer: \(self.signerBaseURL), "
            + "apiKey: \(self.signerAPIKey == nil ? "none" : "<set>"), session: \(self.sessionID == nil ? "none" : "<set>"), "
            + "transport: \(self.eventTransport.rawValue), proxy: \(self.proxy.map { _ in "<set>" } ?? "environment"))"
    }
}
