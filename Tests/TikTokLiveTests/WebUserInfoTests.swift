import Testing
import TikTokLive
import TikTokSimulator

extension WebAPITests {
    /// Username → user, room id and live status: the JSON API, and the live page when the API is refused.
    @Suite struct UserInfoTests {
        @Test func liveUserComesFromTheJSONAPIWithIdsStatsRoomAndLiveStatus() async throws {
            try await WebSimulator.with(WebSimulator.live) { simulator, client in
                let user = try await client.userInfo(username: "@sim_creator")
                #expect(user.source == .api)
                #expect(user.id == "6900000000000000001")
                #expect(user.uniqueID == "sim_creator")
                #expect(user.nickname == "Simulated sim_creator")
                #expect(user.followerCount == 12345)
                #expect(user.followingCount == 42)
                #expect(user.secUID == "MS4wLjABAAAA-sim-6900000000000000001")
                #expect(user.roomID == WebSimulator.roomID)
                #expect(user.liveStatus == 2)
                #expect(user.isLive)
                #expect(user.viewerCount == 321)
                #expect(user.liveTitle == "Simulated live")
                #expect(simulator.groundTruth.faults.isEmpty)
            }
        }

        @Test func userWhoNeverWentLiveIsOfflineWithoutARoomID() async throws {
            try await WebSimulator.with(WebSimulator.offline) { _, client in
                let user = try await client.userInfo(username: "sim_creator")
                #expect(user.source == .api)
                #expect(!user.isLive)
                #expect(user.liveStatus == 4)
                #expect(user.roomID == nil)
            }
        }

        @Test func firewallOnTheAPIFallsBackToTheLivePagesSIGIState() async throws {
            try await WebSimulator.with(WebSimulator.live) { simulator, client in
                let fromAPI = try await client.userInfo(username: "sim_creator")
                simulator.webFaults.inject(.wafChallenge, on: [.userRoomAPI])
                let user = try await client.userInfo(username: "sim_creator")
                #expect(user.source == .livePage)
                #expect(simulator.groundTruth.faults == ["web.waf /api-live/user/room/"])
                // The live page tells the same story as the API.
                var comparable = user
                comparable.source = .api
                #expect(comparable == fromAPI)
            }
        }

        @Test func captchaOnTheAPIAlsoFallsBackToTheLivePage() async throws {
            try await WebSimulator.with(WebSimulator.live) { simulator, client in
                simulator.webFaults.inject(.captcha, on: [.userRoomAPI])
                let user = try await client.userInfo(username: "sim_creator")
                #expect(user.source == .livePage)
                #expect(user.isLive)
                #expect(user.roomID == WebSimulator.roomID)
            }
        }

        @Test func whenTheLivePageIsRefusedTooItsErrorSurfaces() async throws {
            try await WebSimulator.with(WebSimulator.live) { simulator, client in
                simulator.webFaults.inject(.wafChallenge, on: [.userRoomAPI])
                simulator.webFaults.inject(.captcha, on: [.livePage])
                await #expect(throws: TikTokLiveError.challengePage(endpoint: "/@sim_creator/live", kind: .captcha)) {
                    try await client.userInfo(username: "sim_creator")
                }
                simulator.webFaults.inject(.wafChallenge, on: [.livePage])
                await #expect(throws: TikTokLiveError.challengePage(endpoint: "/@sim_creator/live", kind: .waf)) {
                    try await client.userInfo(username: "sim_creator")
                }
            }
        }

        @Test func livePageWithoutLiveRoomMeansUserNotFound() async throws {
            try await WebSimulator.with(WebSimulator.offline) { _, client in
                // sim_creator has never been live here, so the page has no LiveRoom, as for an unknown user.
                await #expect(throws: TikTokLiveError.userNotFound(username: "sim_creator")) {
                    try await client.userInfoFromLivePage(username: "sim_creator")
                }
                await #expect(throws: TikTokLiveError.userNotFound(username: "nobody_here")) {
                    try await client.userInfoFromLivePage(username: "nobody_here")
                }
            }
        }
    }
}
