/// One HTTP request for ``CurlHTTPClient``: what to fetch (or send) and how patient to be.
public struct HTTPRequest: Sendable {
    /// The absolute URL, `http://` or `https://`.
    public var url: String
    /// The HTTP method: `GET` (the default), `POST`, or any other verb, sent as written.
    public var method: String
    /// Request headers in the order they are sent. `Cookie` may be given here as a whole header, and so may
    /// `Content-Type` for a ``body``.
    public var headers: [(name: String, value: String)]
    /// The request body, sent as is (with its `Content-Length`); `nil` sends none.
    public var body: [UInt8]?
    /// A proxy URL (`http://`, `https://`, `socks5h://`), or `nil` for a direct connection.
    public var proxy: String?
    /// How long connecting (DNS, TCP, TLS) may take.
    public var connectTimeout: Duration
    /// How long the whole transfer may take, or `nil` for no limit (live streams).
    public var totalTimeout: Duration?
    /// A transfer that delivers no byte for this long is aborted (the live-stream watchdog).
    public var stallTimeout: Duration?
    /// Whether 3xx answers are followed. Off where a redirect itself is the answer (country block probes).
    public var followRedirects: Bool
    /// For paced streams: after the socket has been drained, wait until this long after the previous delivery
    /// before reading again, so the data arrives in fewer, larger pieces (a 30 fps live otherwise wakes the
    /// reader 30+ times a second). `nil` reads as soon as data arrives. Adds at most this much latency.
    public var coalescingInterval: Duration?

    /// Creates a request (a GET unless `method` says otherwise) with browser-like patience defaults.
    public init(
        url: String,
        method: String = "GET",
        headers: [(name: String, value: String)] = [],
        body: [UInt8]? = nil,
        proxy: String? = nil,
        connectTimeout: Duration = .seconds(10),
        totalTimeout: Duration? = .seconds(30),
        stallTimeout: Duration? = nil,
        followRedirects: Bool = true,
        coalescingInterval: Duration? = nil
    ) {
        self.url = url
        self.method = method
        self.headers = headers
        self.body = body
        self.proxy = proxy
        self.connectTimeout = connectTimeout
        self.totalTimeout = totalTimeout
        self.stallTimeout = stallTimeout
        self.followRedirects = followRedirects
        self.coalescingInterval = coalescingInterval
    }
}

/// A complete HTTP response: status, headers and body.
public struct HTTPResponse: Sendable {
    /// The HTTP status code of the final response (after redirects, if followed).
    public var status: Int
    /// Response headers of the final response, names as sent by the server.
    public var headers: [(name: String, value: String)]
    /// The body, already decoded from `Content-Encoding: gzip` if the server used it.
    public var body: [UInt8]

    /// Creates a response value (tests and fakes build these by hand).
    public init(status: Int, headers: [(name: String, value: String)], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The first value of header `name`, compared case-insensitively.
    public func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return self.headers.first { $0.name.lowercased() == wanted }?.value
    }

    /// The body as UTF-8 text (invalid bytes replaced).
    public var text: String { String(decoding: self.body, as: UTF8.self) }
}

extension Duration {
    /// The duration in whole milliseconds, for libcurl's `*_MS` options.
    var curlMilliseconds: Int {
        let (seconds, attoseconds) = self.components
        return Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000)
    }
}
