import Synchronization

/// Web-side failures the simulator produces on demand (protocol.md §1.6, §6).
///
/// Thread-safe; inject a fault and the next matching requests get it until it is cleared. The simulator serves one
/// client address, so the request budget is that of "the IP". Every refusal is recorded in
/// ``GroundTruth/faults`` as `web.<fault> <endpoint>`.
public final class WebFaults: Sendable {
    /// A web or webcast endpoint a fault can target.
    public enum Endpoint: String, Sendable, Hashable, CaseIterable {
        /// `/api-live/user/room/`, the JSON user lookup.
        case userRoomAPI = "/api-live/user/room/"
        /// `/@{user}/live`, the HTML live page with `SIGI_STATE`.
        case livePage = "/@user/live"
        /// `/webcast/room/check_alive/`.
        case checkAlive = "/webcast/room/check_alive/"
        /// `/webcast/room/info/`.
        case roomInfo = "/webcast/room/info/"
        /// `/webcast/room/info_by_user/`.
        case roomInfoByUser = "/webcast/room/info_by_user/"
        /// `/webcast/gift/list/`.
        case giftList = "/webcast/gift/list/"
        /// `/webcast/wallet_api/fs/diamond`, the coin price list.
        case coinPrices = "/webcast/wallet_api/fs/diamond"
        /// `/webcast/feed/`.
        case feed = "/webcast/feed/"
        /// The FLV CDN (`/game/…`).
        case cdn = "/game/"

        /// Every endpoint but the CDN: what TikTok's web firewall and request budget cover.
        public static let web: Set<Endpoint> = Set(Endpoint.allCases).subtracting([.cdn])
        /// The endpoints that answer with a room object.
        public static let rooms: Set<Endpoint> = [.roomInfo, .roomInfoByUser]
        /// The endpoints that look a user up.
        public static let users: Set<Endpoint> = [.userRoomAPI, .livePage, .roomInfoByUser]
    }

    /// A failure, as TikTok produces it.
    public enum Fault: Sendable, Equatable {
        /// The firewall's "Please wait" HTML page (status 200) with a `_wafchallengeid` cookie.
        case wafChallenge
        /// A captcha/verify HTML page (status 200) without `SIGI_STATE`.
        case captcha
        /// HTTP 403, as for a blocked IP.
        case forbidden
        /// HTTP 429 with `Retry-After: retryAfter` (seconds).
        case rateLimited(retryAfter: Int)
        /// HTTP 302 to `/unavailable`, as where TikTok LIVE is not offered.
        case countryBlocked
        /// Room endpoints only: `status_code` 4003110 (`data.prompts` empty) or 10011 ("Request params error").
        case ageRestricted(code: Int)
        /// Room endpoints only: "Follow the creator to watch their LIVE".
        case followersOnly
        /// Room endpoints only: "This account is private".
        case privateAccount
        /// User endpoints only: every user looks unknown (`user_not_found`, a live page without `LiveRoom`).
        case userNotFound
        /// `check_alive` only: every room id asked is `alive: true`, unknown and ended rooms too, as TikTok answered
        /// some of the time on 2026-07-15 (recorders then captured lives that did not exist).
        case phantomAlive

        /// A short name for ground truth: `waf`, `captcha`, `403`, `429`, `302`, `age.4003110`, …
        public var name: String {
            switch self {
            case .wafChallenge: "waf"
            case .captcha: "captcha"
            case .forbidden: "403"
            case .rateLimited: "429"
            case .countryBlocked: "302"
            case .ageRestricted(let code): "age.\(code)"
            case .followersOnly: "followersOnly"
            case .privateAccount: "privateAccount"
            case .userNotFound: "userNotFound"
            case .phantomAlive: "phantomAlive"
            }
        }

        /// Whether the fault replaces any endpoint's answer (rather than shaping a room or user answer).
        var isTransportLevel: Bool {
            switch self {
            case .wafChallenge, .captcha, .forbidden, .rateLimited, .countryBlocked: true
            case .ageRestricted, .followersOnly, .privateAccount, .userNotFound, .phantomAlive: false
            }
        }
    }

    private struct State {
        var faults: [Endpoint: Fault] = [:]
        var budgetPerMinute: Int?
        var blockDuration: Duration = .seconds(3600)
        var recentRequests: [ContinuousClock.Instant] = []
        var blockedUntil: ContinuousClock.Instant?
    }

    private let state = Mutex(State())

    /// No faults.
    public init() {}

    /// Makes `endpoints` answer with `fault` until cleared (replacing any fault they had). Room-only and user-only
    /// faults are ignored on other endpoints; ``Fault/phantomAlive`` is set on `check_alive` only (when `endpoints`
    /// has it), leaving the other endpoints' faults as they were. `inject(.forbidden, on: Set(Endpoint.allCases))`
    /// refuses everything.
    public func inject(_ fault: Fault, on endpoints: Set<Endpoint> = Endpoint.web) {
        let targets = fault == .phantomAlive ? endpoints.intersection([.checkAlive]) : endpoints
        self.state.withLock { state in
            for endpoint in targets { state.faults[endpoint] = fault }
        }
    }

    /// Removes the faults of `endpoints`.
    public func clear(_ endpoints: Set<Endpoint> = Set(Endpoint.allCases)) {
        self.state.withLock { state in
            for endpoint in endpoints { state.faults[endpoint] = nil }
        }
    }

    /// Allows `perMinute` web requests in any 60 s; the next one gets the IP blocked (HTTP 403 on every web endpoint)
    /// for `blockFor`, as TikTok blocks fast pollers. `nil` removes the budget and lifts a block.
    public func setRequestBudget(perMinute: Int?, blockFor: Duration = .seconds(3600)) {
        self.state.withLock { state in
            state.budgetPerMinute = perMinute
            state.blockDuration = blockFor
            state.recentRequests.removeAll()
            state.blockedUntil = nil
        }
    }

    /// Whether the request budget has got the IP blocked right now.
    public var isBlocked: Bool {
        self.state.withLock { state in state.blockedUntil.map { ContinuousClock.now < $0 } ?? false }
    }

    /// Counts a request to `endpoint` against the budget and returns the fault it gets, if any.
    func fault(for endpoint: Endpoint) -> Fault? {
        let now = ContinuousClock.now
        return self.state.withLock { state -> Fault? in
            if Endpoint.web.contains(endpoint), let budget = state.budgetPerMinute {
                if let until = state.blockedUntil, now < until { return .forbidden }
                state.recentRequests.removeAll { now - $0 >= .seconds(60) }
                state.recentRequests.append(now)
                if state.recentRequests.count > budget {
                    state.blockedUntil = now + state.blockDuration
                    return .forbidden
                }
            }
            guard let fault = state.faults[endpoint] else { return nil }
            if fault.isTransportLevel { return fault }
            switch fault {
            case .ageRestricted, .followersOnly, .privateAccount: return Endpoint.rooms.contains(endpoint) ? fault : nil
            case .userNotFound: return Endpoint.users.contains(endpoint) ? fault : nil
            case .phantomAlive: return endpoint == .checkAlive ? fault : nil
            default: return nil
            }
        }
    }
}
