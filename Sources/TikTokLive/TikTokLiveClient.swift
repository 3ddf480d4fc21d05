import CurlTransport
import Foundation
import Logging

/// The entry point of the library: looks up users and rooms and opens a room's event feed.
///
/// A value type holding configuration only; every call is independent and safe to make concurrently.
/// HTTP goes through libcurl on dedicated threads, the event feed through a WebSocket. Every web method throws
/// ``TikTokLiveError``: blocks (403), rate limits (429), firewall and captcha pages (recognised by their content)
/// and country blocks (302, never followed) have their own cases, each saying what to do.
///
/// ```swift
/// let client = TikTokLiveClient(configuration: .init(), logger: logger)
/// let user = try await client.userInfo(username: "someone")
/// if user.isLive, let roomID = user.roomID {
///     try await client.withLiveEvents(roomID: roomID) { events in
///         for try await event in events { print(event.type) }
///     }
/// }
/// ```
public struct TikTokLiveClient: Sendable {
    /// Where TikTok is and who we claim to be.
    public let configuration: TikTokLiveConfiguration
    let http: CurlHTTPClient
    let logger: Logger

    /// Creates a client. Nothing is fetched until a method is called.
    public init(configuration: TikTokLiveConfiguration, logger: Logger) {
        self.configuration = configuration
        self.http = CurlHTTPClient(defaultUserAgent: configuration.userAgent)
        self.logger = logger
    }

    // MARK: - HTTP

    /// What a web request should return, which decides how a challenge page is recognised.
    enum ExpectedBody {
        /// A JSON document (an empty body or HTML is a challenge).
        case json
        /// A page with a `SIGI_STATE` script (a page without one is a captcha or verify page).
        case livePage
    }

    /// GETs `base + path` with the browser-like query parameters, cookies and headers, without following redirects;
    /// with a `form`, POSTs it instead, as an `application/x-www-form-urlencoded` body.
    ///
    /// - Parameter endpoint: how errors name the request (defaults to `path`).
    /// - Returns: a 200 response whose body is not a challenge page.
    /// - Throws: ``TikTokLiveError/challengePage(endpoint:kind:)``, ``TikTokLiveError/countryBlocked(endpoint:)`` (302),
    ///   ``TikTokLiveError/blocked(endpoint:)`` (403), ``TikTokLiveError/rateLimited(endpoint:retryAfter:)`` (429),
    ///   ``TikTokLiveError/httpStatus(endpoint:status:)`` (anything else but 200), or `CurlError` when no answer came.
    func get(
        base: String, path: String, parameters: [(String, String)], expecting: ExpectedBody, endpoint: String? = nil,
        form: [(String, String)]? = nil
    ) async throws -> HTTPResponse {
        let endpoint = endpoint ?? path
        let url = WebClientParameters.url(base: base, path: path, parameters: parameters)
        var cookies = "tt-target-idc=\(self.configuration.targetIDC)"
        if let session = self.configuration.sessionID { cookies += "; sessionid=\(session); sessionid_ss=\(session); sid_tt=\(session)" }
        let method = form == nil ? "GET" : "POST"
        let request = HTTPRequest(
            url: url,
            method: method,
            headers: [
                ("User-Agent", self.configuration.userAgent),
                ("Accept", "text/html,application/json,application/protobuf"),
                ("Referer", "https://www.tiktok.com/"), ("Origin", "https://www.tiktok.com"),
                ("Accept-Language", "en-US,en;q=0.9"), ("Cookie", cookies),
            ] + (form == nil ? [] : [("Content-Type", "application/x-www-form-urlencoded")]),
            body: form.map(WebClientParameters.formBody),
            proxy: self.proxies.httpProxy,
            // A 302 is the answer itself (a country block), never something to follow.
            followRedirects: false
        )
        let gate = self.configuration.requestGate
        try await gate?.admit(path: path)
        let started = ContinuousClock.now
        let response: HTTPResponse
        do {
            response = try await self.http.send(request)
        } catch {
            if self.configuration.logRequests {
                self.logger.debug(
                    "HTTP \(method) failed",
                    metadata: [
                        "http.url": "\(CurlError.redact(url))", "http.duration_ms": "\(Self.milliseconds(since: started))",
                        "error": "\(error)",
                    ]
                )
            }
            throw error
        }
        if self.configuration.logRequests {
            self.logger.debug(
                "HTTP \(method)",
                metadata: [
                    "http.url": "\(CurlError.redact(url))", "http.status": "\(response.status)",
                    "http.duration_ms": "\(Self.milliseconds(since: started))",
                ]
            )
        }
        do {
            try Self.check(response, endpoint: endpoint, expecting: expecting)
        } catch let error as TikTokLiveError {
            switch error {
            case .blocked, .rateLimited, .challengePage: await gate?.finished(path: path, refusal: error)
            default: await gate?.finished(path: path, refusal: nil)
            }
            throw error
        }
        await gate?.finished(path: path, refusal: nil)
        return response
    }

    /// ``get(base:path:parameters:expecting:endpoint:form:)`` and decodes the JSON body.
    /// - Returns: the decoded value and the body text (for refusals recognised by TikTok's wording).
    /// - Throws: as `get`, and ``TikTokLiveError/malformedResponse(endpoint:reason:)`` when the body is not the JSON expected.
    func getJSON<Response: Decodable>(
        base: String, path: String, parameters: [(String, String)], endpoint: String? = nil, form: [(String, String)]? = nil
    ) async throws -> (value: Response, text: String) {
        let response = try await self.get(
            base: base, path: path, parameters: parameters, expecting: .json, endpoint: endpoint, form: form)
        do {
            return (try JSONDecoder().decode(Response.self, from: Data(response.body)), response.text)
        } catch {
            let start = response.text.prefix(120).replacingOccurrences(of: "\n", with: " ")
            throw TikTokLiveError.malformedResponse(endpoint: endpoint ?? path, reason: "not the expected JSON (starts with: \(start))")
        }
    }

    /// Turns refusals into typed errors: challenge pages by content first, then 302, 403, 429 and other statuses.
    static func check(_ response: HTTPResponse, endpoint: String, expecting: ExpectedBody) throws {
        if (300..<400).contains(response.status) {
            if response.status == 302 { throw TikTokLiveError.countryBlocked(endpoint: endpoint) }
            throw TikTokLiveError.httpStatus(endpoint: endpoint, status: response.status)
        }
        if let kind = ChallengePageDetector.kind(of: response, expecting: expecting) {
            throw TikTokLiveError.challengePage(endpoint: endpoint, kind: kind)
        }
        switch response.status {
        case 200: return
        case 403: throw TikTokLiveError.blocked(endpoint: endpoint)
        case 429: throw TikTokLiveError.rateLimited(endpoint: endpoint, retryAfter: Self.retryAfterSeconds(response.header("Retry-After")))
        default: throw TikTokLiveError.httpStatus(endpoint: endpoint, status: response.status)
        }
    }

    /// A `Retry-After` value (delta seconds or an HTTP date) as seconds from now.
    static func retryAfterSeconds(_ value: String?) -> Int? {
        guard let value = value?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        if let seconds = Int(value) { return max(0, seconds) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: value) else { return nil }
        return max(0, Int(date.timeIntervalSinceNow.rounded(.up)))
    }

    private static func milliseconds(since start: ContinuousClock.Instant) -> Int {
        let (seconds, attoseconds) = (ContinuousClock.now - start).components
        return Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000)
    }
}
