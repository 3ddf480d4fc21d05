import Testing
import TikTokLive
import TikTokSimulator

extension WebAPITests {
    /// Every refusal TikTok is known for, produced by `tiktok-sim`, surfaces as its own ``TikTokLiveError``.
    @Suite struct ErrorTests {
        static let roomID = WebSimulator.roomID

        @Test func unknownUserIsUserNotFoundOnEveryUserEndpoint() async throws {
            try await WebSimulator.with(WebSimulator.offline) { simulator, client in
                await #expect(throws: TikTokLiveError.userNotFound(username: "nobody_here")) {
                    try await client.userInfo(username: "nobody_here")
                }
                await #expect(throws: TikTokLiveError.userNotFound(username: "nobody_here")) {
                    try await client.roomInfo(username: "nobody_here")
                }
                // The fault hides a user who exists.
                simulator.webFaults.inject(.userNotFound, on: WebFaults.Endpoint.users)
                await #expect(throws: TikTokLiveError.userNotFound(username: "sim_creator")) {
                    try await client.userInfo(username: "sim_creator")
                }
                await #expect(throws: TikTokLiveError.userNotFound(username: "sim_creator")) {
                    try await client.userInfoFromLivePage(username: "sim_creator")
                }
                #expect(simulator.groundTruth.faults.contains("web.userNotFound /api-live/user/room/"))
                #expect(simulator.groundTruth.faults.contains("web.userNotFound /@user/live"))
            }
        }

        @Test func userWhoIsNotLiveIsOffline() async throws {
            try await WebSimulator.with(WebSimulator.offline) { _, client in
                await #expect(throws: TikTokLiveError.offline("@sim_creator")) {
                    try await client.liveRoomInfo(username: "sim_creator")
                }
                // info_by_user answers "room has finished" (30003) for a user without a room.
                await #expect(throws: TikTokLiveError.offline("@sim_creator")) {
                    try await client.roomInfo(username: "sim_creator")
                }
            }
        }

        @Test func ageRestrictedRoomsSurfaceTikToksCode() async throws {
            try await WebSimulator.with(WebSimulator.offline) { simulator, client in
                for code in [4_003_110, 10011] {
                    simulator.webFaults.inject(.ageRestricted(code: code), on: WebFaults.Endpoint.rooms)
                    await #expect(throws: TikTokLiveError.ageRestricted(code: code)) {
                        try await client.roomInfo(roomID: Self.roomID)
                    }
                    await #expect(throws: TikTokLiveError.ageRestricted(code: code)) {
                        try await client.roomInfo(username: "sim_creator")
                    }
                }
                #expect(simulator.groundTruth.faults.contains("web.age.4003110 /webcast/room/info/"))
                #expect(simulator.groundTruth.faults.contains("web.age.10011 /webcast/room/info_by_user/"))
            }
        }

        @Test func followerOnlyAndPrivateLivesAreNamedByTikToksText() async throws {
            try await WebSimulator.with(WebSimulator.offline) { simulator, client in
                simulator.webFaults.inject(.followersOnly, on: [.roomInfo])
                let followers = await #expect(throws: TikTokLiveError.self) { try await client.roomInfo(roomID: Self.roomID) }
                guard case .privateLive(let reason)? = followers else {
                    Issue.record("expected privateLive, got \(String(describing: followers))")
                    return
                }
                #expect(reason.contains("Follow the creator to watch their LIVE"))

                simulator.webFaults.inject(.privateAccount, on: [.roomInfo])
                let privateAccount = await #expect(throws: TikTokLiveError.self) { try await client.roomInfo(roomID: Self.roomID) }
                guard case .privateLive(let reason)? = privateAccount else {
                    Issue.record("expected privateLive, got \(String(describing: privateAccount))")
                    return
                }
                #expect(reason.contains("This account is private"))
            }
        }

        @Test func unknownRoomIsRoomNotFound() async throws {
            try await WebSimulator.with(WebSimulator.offline) { _, client in
                await #expect(throws: TikTokLiveError.roomNotFound(roomID: "7399999999999999999")) {
                    try await client.roomInfo(roomID: "7399999999999999999")
                }
                await #expect(throws: TikTokLiveError.roomNotFound(roomID: "7399999999999999999")) {
                    try await client.isLive(roomID: "7399999999999999999")
                }
            }
        }

        @Test func forbiddenEverywhereIsBlockedWithoutFallingBackToTheLivePage() async throws {
            try await WebSimulator.with(WebSimulator.offline) { simulator, client in
                simulator.webFaults.inject(.forbidden, on: Set(WebFaults.Endpoint.allCases))
                await #expect(throws: TikTokLiveError.blocked(endpoint: "/api-live/user/room/")) {
                    try await client.userInfo(username: "sim_creator")
                }
                await #expect(throws: TikTokLiveError.blocked(endpoint: "/webcast/room/info/")) {
                    try await client.roomInfo(roomID: Self.roomID)
                }
                await #expect(throws: TikTokLiveError.blocked(endpoint: "/webcast/gift/list/")) {
                    try await client.giftCatalogue()
                }
                // A blocked IP is not worth a second request to the live page.
                #expect(
                    simulator.groundTruth.faults == [
                        "web.403 /api-live/user/room/", "web.403 /webcast/room/info/", "web.403 /webcast/gift/list/",
                    ])
            }
        }

        @Test func pollingPastTheRequestBudgetGetsTheIPBlocked() async throws {
            try await WebSimulator.with(WebSimulator.offline) { simulator, client in
                simulator.webFaults.setRequestBudget(perMinute: 3)
                for _ in 0..<3 {
                    _ = try await client.isLive(roomIDs: [Self.roomID])
                }
                #expect(!simulator.webFaults.isBlocked)
                await #expect(throws: TikTokLiveError.blocked(endpoint: "/webcast/room/check_alive/")) {
                    try await client.isLive(roomIDs: [Self.roomID])
                }
                #expect(simulator.webFaults.isBlocked)
                // The block covers every web endpoint, not only the one polled.
                await #expect(throws: TikTokLiveError.blocked(endpoint: "/api-live/user/room/")) {
                    try await client.userInfo(username: "sim_creator")
                }
                simulator.webFaults.setRequestBudget(perMinute: nil)
                #expect(try await client.isLive(roomIDs: [Self.roomID]) == [Self.roomID: false])
            }
        }

        @Test func rateLimitCarriesRetryAfter() async throws {
            try await WebSimulator.with(WebSimulator.offline) { simulator, client in
                simulator.webFaults.inject(.rateLimited(retryAfter: 42))
                await #expect(throws: TikTokLiveError.rateLimited(endpoint: "/webcast/room/check_alive/", retryAfter: 42)) {
                    try await client.isLive(roomIDs: [Self.roomID])
                }
                await #expect(throws: TikTokLiveError.rateLimited(endpoint: "/api-live/user/room/", retryAfter: 42)) {
                    try await client.userInfo(username: "sim_creator")
                }
                #expect(simulator.groundTruth.faults.contains("web.429 /webcast/room/check_alive/"))
            }
        }

        @Test func firewallAndCaptchaPagesAreRecognisedByContentOnJSONEndpoints() async throws {
            try await WebSimulator.with(WebSimulator.offline) { simulator, client in
                simulator.webFaults.inject(.wafChallenge, on: [.roomInfo, .feed])
                await #expect(throws: TikTokLiveError.challengePage(endpoint: "/webcast/room/info/", kind: .waf)) {
                    try await client.roomInfo(roomID: Self.roomID)
                }
                await #expect(throws: TikTokLiveError.challengePage(endpoint: "/webcast/feed/", kind: .waf)) {
                    try await client.liveFeed()
                }
                simulator.webFaults.inject(.captcha, on: [.roomInfo, .coinPrices])
                await #expect(throws: TikTokLiveError.challengePage(endpoint: "/webcast/room/info/", kind: .captcha)) {
                    try await client.roomInfo(roomID: Self.roomID)
                }
                await #expect(throws: TikTokLiveError.challengePage(endpoint: "/webcast/wallet_api/fs/diamond", kind: .captcha)) {
                    try await client.coinPrices()
                }
                simulator.webFaults.clear()
                let room = try await client.roomInfo(roomID: Self.roomID)
                #expect(room.status == 4)
            }
        }

        @Test func countryBlockRedirectIsNotFollowed() async throws {
            try await WebSimulator.with(WebSimulator.offline) { simulator, client in
                simulator.webFaults.inject(.countryBlocked)
                await #expect(throws: TikTokLiveError.countryBlocked(endpoint: "/api-live/user/room/")) {
                    try await client.userInfo(username: "sim_creator")
                }
                await #expect(throws: TikTokLiveError.countryBlocked(endpoint: "/@sim_creator/live")) {
                    try await client.userInfoFromLivePage(username: "sim_creator")
                }
                await #expect(throws: TikTokLiveError.countryBlocked(endpoint: "/webcast/room/check_alive/")) {
                    try await client.isLive(roomIDs: [Self.roomID])
                }
            }
        }
    }
}
