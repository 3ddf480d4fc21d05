import CurlTransport

/// Downloads one playlist or segment completely, blocking the calling thread. ``HLSInput`` fetches through it, so
/// tests can serve a scripted live playlist from memory.
protocol HLSFetcher {
    /// The body of `url`, at most `limit` bytes.
    /// - Throws: `CurlError` for network and HTTP failures (`.cancelled` once `stop` is raised), ``LiveMediaError``
    ///   when the body exceeds `limit`.
    func fetch(_ url: String, limit: Int, stop: StopSignal) throws -> [UInt8]
}

/// Fetches with ``CurlHTTPClient`` (streaming, so the stall watchdog and `stop` apply to every download).
struct CurlHLSFetcher: HLSFetcher {
    /// Request headers (User-Agent, Referer, Cookie).
    let headers: [(name: String, value: String)]
    /// Proxy URL, or `nil`.
    let proxy: String?
    /// A download that delivers no byte for this long fails as `CurlError` `.stalled`.
    let stallTimeout: Duration
    private let http = CurlHTTPClient()

    /// Creates a fetcher.
    init(headers: [(name: String, value: String)], proxy: String?, stallTimeout: Duration) {
        self.headers = headers
        self.proxy = proxy
        self.stallTimeout = stallTimeout
    }

    func fetch(_ url: String, limit: Int, stop: StopSignal) throws -> [UInt8] {
        var body: [UInt8] = []
        let request = HTTPRequest(url: url, headers: self.headers, proxy: self.proxy, totalTimeout: nil, stallTimeout: self.stallTimeout)
        _ = try self.http.stream(request, stop: stop) { chunk in
            guard body.count + chunk.count <= limit else {
                throw MediaInputFailure.invalidData(CurlError.redact(url), "the body exceeds \(limit) bytes")
            }
            body.append(contentsOf: chunk)
        }
        return body
    }
}
