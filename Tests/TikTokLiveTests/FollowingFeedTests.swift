import CurlTransport
import Foundation
import Testing
import TikTokLive
import TikTokSimulator

extension WebAPITests {
    /// The Following live feed (`/webcast/feed/?channel_id=42`): only for a logged-in session, only the followed
    /// creators who are live, in pages.
    @Suite struct FollowingFeedTests {
        /// Five creators live at once (the third not followed) and one who never goes live during the test.
        static let scenario = SimulatorScenario(
            creators: (1...5).map { index in
                var creator = WebSimulator.liveCreator(
                    "followed_\(index)", userID: 6_900_000_000_000_000_200 + Int64(index), roomID: 7_300_000_000_000_000_200 + Int64(index)
                )
                creator.followed = index != 3
                return creator
            } + [
                SimulatorScenario.Creator(
                    uniqueID: "followed_offline", nickname: "Offline", userID: 6_900_000_000_000_000_299,
                    roomID: 7_300_000_000_000_000_299, liveAfter: .seconds(3600), liveDuration: .seconds(60)
                )
            ],
            encoder: .loop
        )

        @Test func withASessionThePagesListTheLiveFollowedCreatorsOnly() async throws {
            try await WebSimulator.with(Self.scenario, configure: { $0.sessionID = "test-session" }) { _, client in
                var pages: [LiveFeedPage] = []
                var maxTime: Int64?
                repeat {
                    let page = try await client.followingFeed(maxTime: maxTime)
                    pages.append(page)
                    maxTime = page.nextMaxTime
                } while maxTime != nil && pages.count < 10
                #expect(pages.count == 2, "four rooms, two a page")
                let rooms = pages.flatMap(\.rooms)
                #expect(rooms.map(\.ownerUniqueID) == ["followed_1", "followed_2", "followed_4", "followed_5"])
                #expect(
                    rooms.map(\.roomID) == ["7300000000000000201", "7300000000000000202", "7300000000000000204", "7300000000000000205"])
                #expect(rooms.allSatisfy { $0.room.isLive && $0.liveReason == "Following" && !$0.room.variants.isEmpty })
                // The recommended feed is unchanged: every live room, followed or not.
                #expect(try await client.liveFeed().rooms.count == 2)
            }
        }

        @Test func withoutASessionTheClientSendsNothingAndTheSimulatorRefusesAnonymousCalls() async throws {
            try await WebSimulator.with(Self.scenario) { simulator, client in
                let before = simulator.groundTruth.webRequests.count
                await #expect(throws: TikTokLiveError.sessionRequired(endpoint: "/webcast/feed/")) {
                    try await client.followingFeed()
                }
                #expect(simulator.groundTruth.webRequests.count == before, "no request without a session")

                // What TikTok answers an anonymous call: status_code 10011 with a message, no list.
                let url = "\(client.configuration.webcastBaseURL)/webcast/feed/?aid=1988&channel_id=42&max_time=0"
                let response = try await CurlHTTPClient().send(HTTPRequest(url: url))
                let object = try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
                #expect(object["status_code"] as? Int == 10011)
                #expect((object["data"] as? [String: Any])?["message"] as? String == "Request params error")
            }
        }

        @Test func aFollowingFeedRequestIsAWebRequestUnderTheSameFaults() async throws {
            try await WebSimulator.with(Self.scenario, configure: { $0.sessionID = "test-session" }) { simulator, client in
                simulator.webFaults.inject(.rateLimited(retryAfter: 9), on: [.feed])
                await #expect(throws: TikTokLiveError.rateLimited(endpoint: "/webcast/feed/", retryAfter: 9)) {
                    try await client.followingFeed()
                }
                #expect(simulator.groundTruth.webRequests.last?.endpoint == .feed)
            }
        }
    }
}
