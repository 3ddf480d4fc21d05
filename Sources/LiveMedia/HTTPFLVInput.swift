import CurlTransport

/// A live HTTP-FLV stream (TikTok's CDN `.flv` URLs): libcurl streams the body into ``FLVTagParser`` and
/// ``FLVDemuxer`` on the calling thread.
///
/// Connect timeout, stall watchdog, proxy, cookies and other headers all come from the ``HTTPRequest``; its
/// `totalTimeout` should be `nil` for a live stream.
public struct HTTPFLVInput: MediaInput {
    /// The request to stream.
    public let request: HTTPRequest
    private let http: CurlHTTPClient

    /// Creates an input for `request`.
    public init(request: HTTPRequest, http: CurlHTTPClient = CurlHTTPClient()) {
        self.request = request
        self.http = http
    }

    /// `HTTP-FLV https://host/path?…`, with the query (signatures) redacted.
    public var description: String { "HTTP-FLV \(CurlError.redact(self.request.url))" }

    /// Streams until the server ends the body (returns), `stop` is raised (returns) or the transfer fails.
    /// - Throws: `CurlError` (`.stalled` when the watchdog fired, `.httpStatus` for 4xx/5xx, `.transfer`),
    ///   ``LiveMediaError`` when the body is not FLV or uses a codec we cannot record, or what `sink` throws.
    public func run(stop: StopSignal, sink: any MediaInputSink) throws {
        var reader = FLVEventReader()
        do {
            _ = try self.http.stream(self.request, stop: stop) { bytes in try reader.consume(bytes, sink: sink) }
        } catch let error as CurlError where error.kind == .cancelled && stop.isStopped {
            return
        }
    }
}
