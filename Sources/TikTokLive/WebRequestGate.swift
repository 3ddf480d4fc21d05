/// Admits every web request a ``TikTokLiveClient`` sends to TikTok: the hook through which a caller keeps the whole
/// process within TikTok's request budget (the recorder service's budget, for example).
///
/// The client calls ``admit(path:)`` before each web or webcast request (user lookups, live pages, room info,
/// check_alive, the feed, gift lists) and ``finished(path:refusal:)`` once TikTok has answered it (not when no
/// answer came: a network failure says nothing about the budget). Requests to the sign server, the CDN
/// and the event WebSocket do not go through the gate: they are not TikTok's web budget.
public protocol WebRequestGate: Sendable {
    /// Waits until a request to `path` may be sent.
    /// - Throws: an error (for example ``TikTokLiveError/rateLimited(endpoint:retryAfter:)`` while a backoff runs, or
    ///   `CancellationError`) to refuse the request; the client then throws it without sending anything.
    func admit(path: String) async throws
    /// Reports how a request went: `refusal` is the block, rate limit or challenge page TikTok answered with, or
    /// `nil` when TikTok answered normally.
    func finished(path: String, refusal: TikTokLiveError?) async
}
