import CurlTransport
import Foundation
import Logging
import SwiftProtobuf

/// Talks to an Euler-compatible sign server (protocol.md §3.1 B): `/webcast/fetch` performs TikTok's first
/// `im/fetch` for us and returns its protobuf, the push server and the cookies the WebSocket needs.
///
/// Every call first takes a slot from ``SignerRateLimiter``, so a recorder watching many creators stays under the
/// signer's limits instead of being banned by them. The API key goes in `X-Api-Key` and is never logged.
struct SignerClient: Sendable {
    /// The first fetch of a session: the event batch, and the cookies to send on the WebSocket.
    struct Fetch: Sendable {
        var result: Webcast_ProtoMessageFetchResult
        var cookies: [(name: String, value: String)]
        /// `X-Room-Id`, when the signer resolved a different room id than the one asked for.
        var roomID: String?
    }

    let configuration: TikTokLiveConfiguration
    let http: CurlHTTPClient
    let httpProxy: String?
    let limiter: SignerRateLimiter
    let logger: Logger

    /// Fetches the room's first event batch, resuming at `cursor` when reconnecting.
    /// - Throws: ``TikTokLiveError/signerRefused(status:message:)`` (401/402/403),
    ///   ``TikTokLiveError/signerRateLimited(retryAfter:message:)`` (429), ``TikTokLiveError/signerFailed(status:message:)``
    ///   (other statuses), ``TikTokLiveError/signerResponseIncomplete(reason:)`` (empty body, no cursor, push server or cookie).
    func fetch(roomID: String, cursor: String?) async throws -> Fetch {
        try await self.limiter.acquire(using: self)
        var parameters: [(String, String)] = [
            ("client", "ttlive-swift"), ("room_id", roomID), ("user_agent", self.configuration.userAgent),
            ("client_enter", "true"), ("platform", "web"),
        ]
        if let cursor, !cursor.isEmpty { parameters.append(("cursor", cursor)) }
        let url = WebClientParameters.url(base: self.configuration.signerBaseURL, path: "/webcast/fetch", parameters: parameters)
        let response = try await self.http.send(HTTPRequest(url: url, headers: self.headers(), proxy: self.httpProxy))
        try Self.check(response, endpoint: "/webcast/fetch")
        guard !response.body.isEmpty else {
            throw TikTokLiveError.signerResponseIncomplete(reason: "/webcast/fetch returned an empty body")
        }
        let result: Webcast_ProtoMessageFetchResult
        do {
            result = try Webcast_ProtoMessageFetchResult(serializedBytes: response.body)
        } catch {
            throw TikTokLiveError.signerResponseIncomplete(reason: "/webcast/fetch body is not a ProtoMessageFetchResult (\(error))")
        }
        guard !result.cursor.isEmpty else {
            throw TikTokLiveError.signerResponseIncomplete(reason: "missing cursor in initial fetch response")
        }
        guard !result.pushServer.isEmpty else {
            throw TikTokLiveError.signerResponseIncomplete(reason: "the initial fetch response names no push server")
        }
        guard let cookieHeader = response.header("X-Set-TT-Cookie"), !cookieHeader.isEmpty else {
            throw TikTokLiveError.signerResponseIncomplete(reason: "the initial fetch response has no X-Set-TT-Cookie header")
        }
        for name in ["X-Request-Id", "X-Agent-Id", "X-Log-Code"] {
            if let value = response.header(name) { self.logger.debug("sign server \(name)", metadata: ["value": "\(value)"]) }
        }
        return Fetch(result: result, cookies: Self.parseCookies(cookieHeader), roomID: response.header("X-Room-Id"))
    }

    /// The signer's published limits (`/webcast/rate_limits`), or `nil` when it publishes none.
    func rateLimits() async -> SignerRateLimiter.Limits? {
        let url = WebClientParameters.url(base: self.configuration.signerBaseURL, path: "/webcast/rate_limits", parameters: [])
        guard
            let response = try? await self.http.send(
                HTTPRequest(url: url, headers: self.headers(), proxy: self.httpProxy, totalTimeout: .seconds(10))),
            response.status == 200,
            let limits = try? JSONDecoder().decode(RateLimitsResponse.self, from: Data(response.body))
        else { return nil }
        return SignerRateLimiter.Limits(perMinute: limits.minute?.max, perHour: limits.hour?.max)
    }

    private func headers() -> [(name: String, value: String)] {
        var headers: [(name: String, value: String)] = [("User-Agent", "tiktok-recorder (TikTokLive Swift)")]
        if let key = self.configuration.signerAPIKey, !key.isEmpty { headers.append(("X-Api-Key", key)) }
        return headers
    }

    /// Maps a sign-server status to its typed error.
    static func check(_ response: HTTPResponse, endpoint: String, now: Date = Date()) throws {
        guard response.status != 200 else { return }
        let message = Self.errorMessage(response)
        switch response.status {
        case 401, 402, 403:
            throw TikTokLiveError.signerRefused(status: response.status, message: message)
        case 429:
            throw TikTokLiveError.signerRateLimited(retryAfter: Self.retryAfter(response, now: now), message: message)
        default:
            throw TikTokLiveError.signerFailed(status: response.status, message: message)
        }
    }

    /// Seconds to wait, from `Retry-After`, or `RateLimit-Reset` / `X-RateLimit-Reset` (Unix seconds or seconds from now).
    static func retryAfter(_ response: HTTPResponse, now: Date) -> Int? {
        if let value = response.header("Retry-After").flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) }) { return max(0, value) }
        guard let reset = (response.header("RateLimit-Reset") ?? response.header("X-RateLimit-Reset")).flatMap({ Double($0) }) else {
            return nil
        }
        // Large values are a Unix time; small ones already count seconds from now.
        let seconds = reset > 1_000_000_000 ? reset - now.timeIntervalSince1970 : reset
        return max(0, Int(seconds.rounded(.up)))
    }

    private static func errorMessage(_ response: HTTPResponse) -> String {
        struct Body: Decodable { var message: String? }
        if let body = try? JSONDecoder().decode(Body.self, from: Data(response.body)), let message = body.message { return message }
        return String(response.text.prefix(200))
    }

    /// Parses `name=value; name2=value2` (the format every client library accepts).
    static func parseCookies(_ header: String) -> [(name: String, value: String)] {
        header.split(separator: ";").compactMap { part in
            let pair = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2, !pair[0].isEmpty else { return nil }
            return (pair[0], pair[1])
        }
    }

    private struct RateLimitsResponse: Decodable {
        struct Window: Decodable { var max: Int? }
        var minute: Window?
        var hour: Window?
    }
}
