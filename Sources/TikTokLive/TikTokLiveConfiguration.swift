/// Everything a ``TikTokLiveClient`` needs to know once: where TikTok (or a simulator) is, and who we claim to be.
///
/// Every base URL can be pointed at `tiktok-sim`. Secrets (`signerAPIKey`, `sessionID`) are never logged.
public struct TikTokLiveConfiguration: Sendable {
    /// The web host: `/api-live/user/room/`, `/@user/live`.
    public var webBaseURL: String
    /// The webcast API host: `/webcast/room/info/`, `/webcast/room/check_alive/`.
    public var webcastBaseURL: String
    /// The Euler-compatible sign server that performs the initial `/webcast/fetch`.
    public var signerBaseURL: String
    /// The sign server's API key, sent as `X-Api-Key`, or `nil`.
    public var signerAPIKey: String?
    /// A logged-in `sessionid` cookie for 18+ and private rooms, or `nil`.
    public var sessionID: String?
    /// The account's data-centre cookie `tt-target-idc`.
    public var targetIDC: String
    /// The browser user agent used for web requests and the WebSocket handshake.
    public var userAgent: String
    /// Proxy URL for HTTP requests (`http://`, `socks5h://`), or `nil`.
    public var proxy: String?
    /// Whether the WebSocket asks for gzip-compressed payloads.
    public var compressWebSocket: Bool

    /// The real TikTok endpoints and a current desktop Chrome user agent.
    public init(
        webBaseURL: String = "https://www.tiktok.com",
        webcastBaseURL: String = "https://webcast.tiktok.com",
        signerBaseURL: String = "https://tiktok.eulerstream.com",
        signerAPIKey: String? = nil,
        sessionID: String? = nil,
        targetIDC: String = "useast1a",
        userAgent: String =
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
        proxy: String? = nil,
        compressWebSocket: Bool = true
    ) {
        self.webBaseURL = webBaseURL
        self.webcastBaseURL = webcastBaseURL
        self.signerBaseURL = signerBaseURL
        self.signerAPIKey = signerAPIKey
        self.sessionID = sessionID
        self.targetIDC = targetIDC
        self.userAgent = userAgent
        self.proxy = proxy
        self.compressWebSocket = compressWebSocket
    }

    /// Every endpoint on one local server, as `tiktok-sim` serves them.
    public static func simulator(baseURL: String) -> TikTokLiveConfiguration {
        TikTokLiveConfiguration(webBaseURL: baseURL, webcastBaseURL: baseURL, signerBaseURL: baseURL)
    }
}
