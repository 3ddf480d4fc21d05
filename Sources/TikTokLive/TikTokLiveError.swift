/// A failure talking to TikTok, phrased so the user knows what to do next.
public enum TikTokLiveError: Error, CustomStringConvertible, Sendable, Equatable {
    /// No TikTok user has this @username.
    case userNotFound(username: String)
    /// TikTok answered with an HTTP status we cannot use.
    case httpStatus(endpoint: String, status: Int)
    /// TikTok answered `status_code`/`statusCode` other than 0.
    case apiError(endpoint: String, code: Int, message: String)
    /// The response was not the JSON or protobuf we expected.
    case malformedResponse(endpoint: String, reason: String)
    /// The sign server answered, but without what the WebSocket needs.
    case signer(reason: String)
    /// The WebSocket could not be opened or was refused.
    case webSocket(reason: String)

    public var description: String {
        switch self {
        case .userNotFound(let username):
            "TikTok user '@\(username)' was not found; check the spelling of the username (without the @)"
        case .httpStatus(let endpoint, let status):
            "\(endpoint) answered HTTP \(status); if this persists, slow down polling or use a proxy"
        case .apiError(let endpoint, let code, let message):
            "\(endpoint) returned TikTok error \(code)\(message.isEmpty ? "" : " (\(message))")"
        case .malformedResponse(let endpoint, let reason):
            "\(endpoint) returned an unexpected response: \(reason)"
        case .signer(let reason):
            "sign server: \(reason); check the signer URL and API key"
        case .webSocket(let reason):
            "event WebSocket: \(reason)"
        }
    }
}
