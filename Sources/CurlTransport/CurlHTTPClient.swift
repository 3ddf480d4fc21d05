import CCurl
import Foundation

/// An HTTP client on libcurl: the only place in the package that touches libcurl handles.
///
/// Each transfer owns one easy handle from start to end, on one thread. ``send(_:)`` runs the transfer on a
/// dedicated thread and suspends the caller; ``stream(_:stop:onData:)`` blocks the calling thread and is meant
/// for threads that already do blocking work (a recording's download thread). Cancellation and ``StopSignal``
/// abort a transfer through libcurl's progress callback: within about 100 ms, or one `coalescingInterval` for a
/// coalesced stream.
public struct CurlHTTPClient: Sendable {
    /// The `User-Agent` sent when a request has none of its own.
    public var defaultUserAgent: String

    /// Creates a client. libcurl's global state is initialised once per process, on first use.
    public init(
        defaultUserAgent: String =
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
    ) {
        _ = Self.globalInit
        self.defaultUserAgent = defaultUserAgent
    }

    private static let globalInit: Void = {
        curl_global_init(Int(CURL_GLOBAL_ALL))
    }()

    /// Performs `request` and returns the whole response. HTTP error statuses are returned, not thrown.
    /// - Throws: ``CurlError`` when no HTTP response could be had (DNS, connect, timeout, cancellation).
    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let stop = StopSignal()
        return try await withTaskCancellationHandler {
            try await runOnDedicatedThread(name: "curl-request") { [self] in
                let collector = BodyCollector()
                let status = try self.perform(request, stop: stop, failOnHTTPError: false) { chunk in
                    collector.bytes.append(contentsOf: chunk)
                }
                return HTTPResponse(status: status.code, headers: status.headers, body: collector.bytes)
            }
        } onCancel: {
            stop.stop()
        }
    }

    /// Streams `request`'s body into `onData` as it arrives, blocking the calling thread until the server ends
    /// the body, `stop` is raised, or an error occurs.
    ///
    /// - Returns: the response headers, once the body has ended normally.
    /// - Throws: ``CurlError`` with `.httpStatus` for 4xx/5xx answers, `.stalled` after `stallTimeout` without
    ///   data, `.cancelled` when `stop` was raised, `.transfer` otherwise.
    public func stream(
        _ request: HTTPRequest,
        stop: StopSignal,
        onData: (UnsafeRawBufferPointer) throws -> Void
    ) throws -> [(name: String, value: String)] {
        try self.perform(request, stop: stop, failOnHTTPError: true, onData: onData).headers
    }

    // MARK: - One transfer

    private final class BodyCollector: @unchecked Sendable {
        var bytes: [UInt8] = []
    }

    /// Per-transfer state reachable from libcurl's C callbacks through an opaque pointer.
    fileprivate final class TransferState {
        let onData: (UnsafeRawBufferPointer) throws -> Void
        let stop: StopSignal
        let stallLimit: Duration?
        let coalescingInterval: Duration?
        var lastDataAt = ContinuousClock.now
        var lastPass = ContinuousClock.now
        var headerLines: [String] = []
        var sinkError: (any Error)?
        var stalled = false

        init(
            onData: @escaping (UnsafeRawBufferPointer) throws -> Void, stop: StopSignal, stallLimit: Duration?,
            coalescingInterval: Duration?
        ) {
            self.onData = onData
            self.stop = stop
            self.stallLimit = stallLimit
            self.coalescingInterval = coalescingInterval
        }
    }

    private func perform(
        _ request: HTTPRequest,
        stop: StopSignal,
        failOnHTTPError: Bool,
        onData: (UnsafeRawBufferPointer) throws -> Void
    ) throws -> (code: Int, headers: [(name: String, value: String)]) {
        guard let handle = curl_easy_init() else {
            throw CurlError(kind: .transfer(code: -1), message: "curl_easy_init failed", url: request.url)
        }
        defer { curl_easy_cleanup(handle) }

        return try withoutActuallyEscaping(onData) { onData in
            let state = TransferState(
                onData: onData, stop: stop, stallLimit: request.stallTimeout, coalescingInterval: request.coalescingInterval
            )
            let context = Unmanaged.passUnretained(state).toOpaque()
            var headerList: UnsafeMutablePointer<curl_slist>? = nil
            defer { curl_slist_free_all(headerList) }
            var errorBuffer = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)

            let hasUserAgent = request.headers.contains { $0.name.lowercased() == "user-agent" }
            let headerPairs = request.headers + (hasUserAgent ? [] : [(name: "User-Agent", value: self.defaultUserAgent)])
            for (name, value) in headerPairs {
                headerList = curl_slist_append(headerList, "\(name): \(value)")
            }

            let code: CURLcode = request.url.withCString { url in
                errorBuffer.withUnsafeMutableBufferPointer { errorPointer in
                    ttr_curl_setopt_string(handle, CURLOPT_URL, url)
                    ttr_curl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorPointer.baseAddress)
                    ttr_curl_setopt_slist(handle, CURLOPT_HTTPHEADER, headerList)
                    ttr_curl_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
                    ttr_curl_setopt_long(handle, CURLOPT_FOLLOWLOCATION, request.followRedirects ? 1 : 0)
                    ttr_curl_setopt_long(handle, CURLOPT_MAXREDIRS, 5)
                    ttr_curl_setopt_long(handle, CURLOPT_FAILONERROR, failOnHTTPError ? 1 : 0)
                    ttr_curl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, request.connectTimeout.curlMilliseconds)
                    if let total = request.totalTimeout {
                        ttr_curl_setopt_long(handle, CURLOPT_TIMEOUT_MS, total.curlMilliseconds)
                    }
                    // "" asks libcurl to offer and transparently decode every encoding it was built with (gzip).
                    ttr_curl_setopt_string(handle, CURLOPT_ACCEPT_ENCODING, "")
                    // An explicit "" stops libcurl from reading proxy variables on its own: callers decide.
                    _ = (request.proxy ?? "").withCString { ttr_curl_setopt_string(handle, CURLOPT_PROXY, $0) }
                    ttr_curl_setopt_data_callback(handle, CURLOPT_WRITEFUNCTION, curlWriteCallback)
                    ttr_curl_setopt_pointer(handle, CURLOPT_WRITEDATA, context)
                    ttr_curl_setopt_data_callback(handle, CURLOPT_HEADERFUNCTION, curlHeaderCallback)
                    ttr_curl_setopt_pointer(handle, CURLOPT_HEADERDATA, context)
                    ttr_curl_setopt_progress_callback(handle, curlProgressCallback)
                    ttr_curl_setopt_pointer(handle, CURLOPT_XFERINFODATA, context)
                    ttr_curl_setopt_long(handle, CURLOPT_NOPROGRESS, 0)
                    if request.coalescingInterval != nil {
                        ttr_curl_setopt_long(handle, CURLOPT_BUFFERSIZE, Self.coalescingBufferSize)
                    }
                    Self.setMethodAndBody(of: request, on: handle)
                    return curl_easy_perform(handle)
                }
            }

            var status = 0
            ttr_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
            let message = String(decoding: errorBuffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)

            if let sinkError = state.sinkError { throw sinkError }
            switch code {
            case CURLE_OK:
                return (status, Self.parseHeaders(state.headerLines))
            case CURLE_HTTP_RETURNED_ERROR:
                throw CurlError(kind: .httpStatus(status), message: message, url: request.url)
            case CURLE_ABORTED_BY_CALLBACK where stop.isStopped, CURLE_WRITE_ERROR where stop.isStopped:
                throw CurlError(kind: .cancelled, message: message, url: request.url)
            case CURLE_ABORTED_BY_CALLBACK where state.stalled:
                throw CurlError(kind: .stalled, message: message, url: request.url)
            default:
                throw CurlError(kind: .transfer(code: Int(code.rawValue)), message: message, url: request.url)
            }
        }
    }

    /// Sets the method and body: a body is copied into the handle (`CURLOPT_COPYPOSTFIELDS`, which makes the request a
    /// POST), and any method but `GET` and `POST` is sent as a custom request line.
    private static func setMethodAndBody(of request: HTTPRequest, on handle: UnsafeMutableRawPointer) {
        let method = request.method.uppercased()
        if let body = request.body {
            ttr_curl_setopt_long(handle, CURLOPT_POSTFIELDSIZE, body.count)
            var bytes = body.isEmpty ? [0] : body
            _ = bytes.withUnsafeMutableBytes { ttr_curl_setopt_pointer(handle, CURLOPT_COPYPOSTFIELDS, $0.baseAddress) }
        } else if method == "POST" {
            ttr_curl_setopt_long(handle, CURLOPT_POSTFIELDSIZE, 0)
            ttr_curl_setopt_string(handle, CURLOPT_COPYPOSTFIELDS, "")
        }
        if method != "GET" && method != "POST" {
            _ = method.withCString { ttr_curl_setopt_string(handle, CURLOPT_CUSTOMREQUEST, $0) }
        }
    }

    /// Keeps the headers of the last response only (a redirect starts a new block with a status line).
    private static func parseHeaders(_ lines: [String]) -> [(name: String, value: String)] {
        var headers: [(name: String, value: String)] = []
        for line in lines {
            if line.hasPrefix("HTTP/") {
                headers.removeAll()
                continue
            }
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].trimmingCharacters(in: .whitespaces)
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespacesAndNewlines)
            headers.append((name, value))
        }
        return headers
    }

    // MARK: - C callbacks

    private static func state(_ context: UnsafeMutableRawPointer?) -> TransferState {
        Unmanaged<TransferState>.fromOpaque(context!).takeUnretainedValue()
    }

    /// libcurl's receive buffer when deliveries are coalesced: large enough that one read drains what a live
    /// stream sends between two passes (512 KiB: 2 s at 2 Mbit/s).
    static let coalescingBufferSize = 512 << 10

    fileprivate static func write(_ data: UnsafeMutablePointer<CChar>?, _ length: Int, _ context: UnsafeMutableRawPointer?) -> Int {
        let state = Self.state(context)
        if state.stop.isStopped { return 0 }
        state.lastDataAt = .now
        do {
            try state.onData(UnsafeRawBufferPointer(start: data, count: length))
        } catch {
            state.sinkError = error
            return 0
        }
        return length
    }

    fileprivate static func header(_ data: UnsafeMutablePointer<CChar>?, _ length: Int, _ context: UnsafeMutableRawPointer?) -> Int {
        let state = Self.state(context)
        let line = String(decoding: UnsafeRawBufferPointer(start: data, count: length), as: UTF8.self)
        state.headerLines.append(line.trimmingCharacters(in: .newlines))
        return length
    }

    fileprivate static func progress(_ context: UnsafeMutableRawPointer?) -> Int32 {
        let state = Self.state(context)
        if state.stop.isStopped { return 1 }
        // libcurl calls this on every pass of its transfer loop, after reading what had arrived: pausing here lets
        // the next data gather in the socket, so a paced stream is read in a few large pieces per second.
        if let interval = state.coalescingInterval {
            let wait = state.lastPass + interval - .now
            if wait > .zero { Thread.sleep(forTimeInterval: Double(min(wait, interval).curlMilliseconds) / 1000) }
            state.lastPass = .now
            if state.stop.isStopped { return 1 }
        }
        if let limit = state.stallLimit, ContinuousClock.now - state.lastDataAt > limit {
            state.stalled = true
            return 1
        }
        return 0
    }
}

private func curlWriteCallback(_ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?) -> Int
{
    CurlHTTPClient.write(data, size * count, context)
}

private func curlHeaderCallback(_ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?) -> Int
{
    CurlHTTPClient.header(data, size * count, context)
}

private func curlProgressCallback(
    _ context: UnsafeMutableRawPointer?, _: curl_off_t, _: curl_off_t, _: curl_off_t, _: curl_off_t
) -> Int32 {
    CurlHTTPClient.progress(context)
}
