import CurlTransport

/// Recognises TikTok's firewall ("Please wait", `_wafchallengeid`) and captcha/verify pages by their content,
/// whatever the HTTP status (protocol.md §1.2, §1.6, §6).
enum ChallengePageDetector {
    /// The challenge `response` is, or `nil` when it is the kind of body that was expected (or an ordinary error).
    static func kind(of response: HTTPResponse, expecting: TikTokLiveClient.ExpectedBody) -> TikTokLiveError.ChallengeKind? {
        let text = response.text
        let trimmed = text.drop { $0.isWhitespace }
        switch expecting {
        case .json where trimmed.hasPrefix("{") || trimmed.hasPrefix("["):
            return nil
        case .livePage where SIGIState.scriptText(in: text) != nil:
            return nil
        default:
            break
        }
        let wafCookie = response.headers.contains { $0.name.lowercased() == "set-cookie" && $0.value.contains("_wafchallengeid") }
        if wafCookie || text.contains("_wafchallengeid") || text.contains("Please wait") { return .waf }
        guard response.status == 200 else {
            return Self.looksLikeCaptcha(text) ? .captcha : nil
        }
        switch expecting {
        case .json:
            // TikTok's firewall also answers with an empty 200 where JSON was due.
            if trimmed.isEmpty { return .waf }
            return Self.looksLikeCaptcha(text) ? .captcha : nil
        case .livePage:
            // A 200 page without SIGI_STATE is a captcha or verify page.
            return .captcha
        }
    }

    private static func looksLikeCaptcha(_ text: String) -> Bool {
        let lower = text.lowercased()
        return ["captcha", "verify-page", "tiktok-verify", "security check"].contains { lower.contains($0) }
    }
}
