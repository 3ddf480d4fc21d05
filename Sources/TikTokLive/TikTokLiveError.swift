/// A failure talking to TikTok or the sign server, phrased so the user knows what to do next.
///
/// Every case a user can act on has its own case; ``description`` says what happened and what to do.
/// No case carries a secret: URLs are redacted and cookies or API keys never appear.
public enum TikTokLiveError: Error, CustomStringConvertible, Sendable, Equatable {
    // MARK: Users and rooms

    /// No TikTok user has this @username (`user_not_found`, or no `LiveRoom` in the live page).
    case userNotFound(username: String)
    /// The user or room exists but is not live now (room `status` 4, or `check_alive` false).
    case offline(String)
    /// The live is 18+ or needs a logged-in viewer (`status_code` 4003110 or 10011, `prompts` in the room info).
    case ageRestricted(code: Int)
    /// The live is only for followers or the account is private (TikTok's own text names which).
    case privateLive(reason: String)
    /// No room with this id exists (empty `check_alive` data, room not found).
    case roomNotFound(roomID: String)
    /// The endpoint answers only a logged-in session: none is configured (the request was not sent), or TikTok
    /// refused the one sent (`status_code` 10011: expired, or the request needs the browser's signatures).
    case sessionRequired(endpoint: String)

    // MARK: Blocks

    /// TikTok refused us with HTTP 403: this IP is blocked, usually after polling too fast.
    case blocked(endpoint: String)
    /// TikTok (HTTP 429) asked us to slow down; `retryAfter` is in seconds when TikTok said.
    case rateLimited(endpoint: String, retryAfter: Int?)
    /// TikTok served its web application firewall or captcha page instead of data (detected by content).
    case challengePage(endpoint: String, kind: ChallengeKind)
    /// TikTok redirected (HTTP 302): LIVE is not available from this country.
    case countryBlocked(endpoint: String)

    // MARK: Sign server

    /// The sign server refused the API key (401), needs a paid plan (402) or denied the request (403).
    case signerRefused(status: Int, message: String)
    /// The sign server's rate limit was hit; `retryAfter` is in seconds when it said.
    case signerRateLimited(retryAfter: Int?, message: String)
    /// The sign server failed (5xx, or its own TikTok fetch failed).
    case signerFailed(status: Int, message: String)
    /// The sign server answered 200, but without what the WebSocket needs (empty body, no cursor, no cookie).
    case signerResponseIncomplete(reason: String)

    // MARK: WebSocket

    /// TikTok refused the WebSocket upgrade: HTTP 200 (or 400) with `handshake-status` / `handshake-msg`.
    case handshakeRejected(httpStatus: Int, handshakeStatus: String, message: String)
    /// The WebSocket could not be opened, or dropped in a way that is not a TikTok rejection.
    case webSocket(reason: String)

    // MARK: Anything else

    /// TikTok answered with an HTTP status this library has no better name for.
    case httpStatus(endpoint: String, status: Int)
    /// TikTok answered `status_code`/`statusCode` other than 0, with no better name for it.
    case apiError(endpoint: String, code: Int, message: String)
    /// The response was not the JSON or protobuf we expected.
    case malformedResponse(endpoint: String, reason: String)

    /// Which kind of challenge page TikTok served.
    public enum ChallengeKind: String, Sendable, Equatable {
        /// The WAF "Please wait" page (`_wafchallengeid`), or an empty body where JSON was due.
        case waf
        /// A captcha or verify page (no `SIGI_STATE` in the live page).
        case captcha
    }

    public var description: String {
        switch self {
        case .userNotFound(let username):
            return "TikTok user '@\(username)' was not found; check the spelling of the username (without the @)"
        case .offline(let who):
            return "\(who) is not live right now; wait for the next live (the recorder's watcher does this for you)"
        case .ageRestricted(let code):
            return "this live is age-restricted or needs a logged-in viewer (TikTok code \(code)); "
                + "set a session cookie (sessionid and tt-target-idc) of an adult account that may watch it"
        case .privateLive(let reason):
            return "this live is not public (\(reason)); "
                + "set the session cookie (sessionid and tt-target-idc) of an account that follows the creator"
        case .roomNotFound(let roomID):
            return "TikTok knows no room \(roomID); look the room up again by username"
        case .sessionRequired(let endpoint):
            return "\(endpoint) needs a logged-in TikTok session: set the sessionid cookie (TIKTOK_SESSIONID) of an account "
                + "that follows the creators; if one is set, it has expired or TikTok wants this request signed by a browser"
        case .blocked(let endpoint):
            return "TikTok refused \(endpoint) with HTTP 403: this IP is blocked, usually after polling too often; "
                + "poll less often (30 s or more per creator) or use another proxy"
        case .rateLimited(let endpoint, let retryAfter):
            return "TikTok rate-limited \(endpoint) (HTTP 429)"
                + (retryAfter.map { "; retry after \($0) s" } ?? "; wait before retrying")
                + " and poll less often"
        case .challengePage(let endpoint, let kind):
            switch kind {
            case .waf:
                return "TikTok served its firewall page (\"Please wait\") for \(endpoint): this IP is flagged; "
                    + "poll fewer creators or less often, or use another proxy"
            case .captcha:
                return "TikTok served a captcha or verify page for \(endpoint): this IP is flagged; "
                    + "wait a few hours, set a session cookie, or use another proxy"
            }
        case .countryBlocked(let endpoint):
            return "TikTok redirected \(endpoint) (HTTP 302): TikTok LIVE is not available from this country; "
                + "use a proxy in a country where it is"
        case .signerRefused(let status, let message):
            let what =
                switch status {
                case 401: "rejected the API key"
                case 402: "needs a paid plan for this request"
                default: "denied the request"
                }
            return "the sign server \(what) (HTTP \(status)\(Self.suffix(message))); check the signer URL and API key"
        case .signerRateLimited(let retryAfter, let message):
            return "the sign server's rate limit was reached\(Self.suffix(message))"
                + (retryAfter.map { "; retry after \($0) s" } ?? "")
                + "; connect to fewer rooms, or use an API key with a higher limit"
        case .signerFailed(let status, let message):
            return "the sign server failed (HTTP \(status)\(Self.suffix(message))); TikTok may be blocking it, retry later"
        case .signerResponseIncomplete(let reason):
            return "the sign server's answer is unusable: \(reason); TikTok may be detecting the signer, retry later"
        case .handshakeRejected(let httpStatus, let handshakeStatus, let message):
            var text = "TikTok refused the event WebSocket (HTTP \(httpStatus), handshake-status \(handshakeStatus)"
            text += message.isEmpty ? ")" : ", \(message))"
            switch message {
            case "DEVICE_BLOCKED": text += "; the user agent was missing or did not match the one given to the signer"
            case "illegal secret key": text += "; the session cookie must be sent when the signer was given a session"
            default: text += "; retrying right away will not help, wait or change the IP, cookies or user agent"
            }
            return text
        case .webSocket(let reason):
            return "event WebSocket: \(reason)"
        case .httpStatus(let endpoint, let status):
            return "\(endpoint) answered HTTP \(status); if this persists, slow down polling or use a proxy"
        case .apiError(let endpoint, let code, let message):
            return "\(endpoint) returned TikTok error \(code)\(message.isEmpty ? "" : " (\(message))")"
        case .malformedResponse(let endpoint, let reason):
            return "\(endpoint) returned an unexpected response: \(reason)"
        }
    }

    /// Whether trying again later can succeed without the user changing anything.
    public var isTransient: Bool {
        switch self {
        case .offline, .blocked, .rateLimited, .challengePage, .signerRateLimited, .signerFailed,
            .signerResponseIncomplete, .webSocket, .httpStatus, .malformedResponse:
            true
        case .userNotFound, .ageRestricted, .privateLive, .roomNotFound, .sessionRequired, .countryBlocked, .signerRefused,
            .handshakeRejected, .apiError:
            false
        }
    }

    private static func suffix(_ message: String) -> String {
        message.isEmpty ? "" : ": \(message.prefix(200))"
    }
}
