import CurlTransport
import Foundation
import Testing
import TikTokLive
import TikTokSimulator

extension WebAPITests {
    /// `check_alive` as the recorder service uses it: batched POSTs, the request budget, phantom lives, and the
    /// simulator's log of every web request.
    @Suite struct LiveCheckTests {
        /// `count` creators, live at once, rooms `7300000000000000101`….
        static func creators(_ count: Int) -> SimulatorScenario {
            SimulatorScenario(
                creators: (1...count).map { index in
                    WebSimulator.liveCreator(
                        "check_\(index)", userID: 6_900_000_000_000_000_100 + Int64(index), roomID: 7_300_000_000_000_000_100 + Int64(index)
                    )
                }, encoder: .loop)
        }

        /// The raw answer of one `check_alive` request: `room_id_str` → `alive`.
        static func rawCheckAlive(_ baseURL: String, post: Bool, ids: [String]) async throws -> [String: Bool] {
            let list = ids.joined(separator: ",")
            let request =
                post
                ? HTTPRequest(
                    url: "\(baseURL)/webcast/room/check_alive/?aid=1988", method: "POST",
                    headers: [("Content-Type", "application/x-www-form-urlencoded")], body: Array("room_ids=\(list)".utf8))
                : HTTPRequest(url: "\(baseURL)/webcast/room/check_alive/?aid=1988&room_ids=\(list)")
            let response = try await CurlHTTPClient().send(request)
            #expect(response.status == 200)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
            let entries = try #require(object["data"] as? [[String: Any]])
            return Dictionary(
                uniqueKeysWithValues: entries.compactMap { entry in
                    (entry["room_id_str"] as? String).map { ($0, entry["alive"] as? Bool ?? false) }
                })
        }

        @Test func checkAliveAnswersTheSameByGETAndByAFormPOST() async throws {
            try await SimulatorHarness.with(Self.creators(2)) { _, baseURL in
                let ids = ["7300000000000000101", "7300000000000000102", "7300000000000000103"]
                let client = SimulatorHarness.client(baseURL)
                _ = try await RoomLifecycleTests.eventually {
                    try await client.isLive(roomIDs: ids).values.filter { $0 }.count == 2 ? true : nil
                }
                let expected = ["7300000000000000101": true, "7300000000000000102": true]
                #expect(try await Self.rawCheckAlive(baseURL, post: false, ids: ids) == expected)
                #expect(try await Self.rawCheckAlive(baseURL, post: true, ids: ids) == expected)
            }
        }

        @Test func isLiveSendsOnePOSTPerFiftyUniqueIDsAndMatchesAnswersByID() async throws {
            try await WebSimulator.with(Self.creators(3)) { simulator, client in
                let logFile = FileManager.default.temporaryDirectory.appendingPathComponent("check-alive-\(UUID().uuidString).jsonl")
                defer { try? FileManager.default.removeItem(at: logFile) }
                try simulator.groundTruth.writeLog(toFile: logFile.path)
                let before = simulator.groundTruth.webRequests.count
                let unknown = (1...117).map { String(7_300_000_000_000_001_000 + Int64($0)) }
                let live = ["7300000000000000103", "7300000000000000101", "7300000000000000102"]
                let alive = try await client.isLive(roomIDs: live + unknown + live.reversed() + unknown.prefix(5))
                #expect(alive == Dictionary(uniqueKeysWithValues: live.map { ($0, true) }), "unknown ids are absent")
                let requests = simulator.groundTruth.webRequests.dropFirst(before)
                #expect(requests.count == 3, "120 unique ids: three batches")
                #expect(requests.allSatisfy { $0.endpoint == .checkAlive })
                let methods = try String(contentsOf: logFile, encoding: .utf8).split(separator: "\n").compactMap { line in
                    let record = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
                    return record?["kind"] as? String == "request" ? record?["method"] as? String : nil
                }
                #expect(methods == ["POST", "POST", "POST"])
            }
        }

        @Test func theRequestBudgetCountsPOSTsLikeGETs() async throws {
            try await WebSimulator.with(Self.creators(1)) { simulator, client in
                simulator.webFaults.setRequestBudget(perMinute: 2, blockFor: .seconds(60))
                let roomID = "7300000000000000101"
                let answers = [try await client.isLive(roomID: roomID), try await client.isLive(roomID: roomID)]
                #expect(answers == [true, true], "two requests are within the budget")
                await #expect(throws: TikTokLiveError.blocked(endpoint: "/webcast/room/check_alive/")) {
                    try await client.isLive(roomID: roomID)
                }
                #expect(simulator.webFaults.isBlocked)
                #expect(simulator.groundTruth.faults.contains("web.403 /webcast/room/check_alive/"))
            }
        }

        @Test func phantomAliveReportsEveryRoomAliveAndLeavesOtherFaultsAlone() async throws {
            try await WebSimulator.with(Self.creators(1)) { simulator, client in
                let live = "7300000000000000101"
                let unknown = "123"
                let honest = try await client.isLive(roomIDs: [live, unknown])
                #expect(honest == [live: true])
                simulator.webFaults.inject(.wafChallenge, on: [.userRoomAPI])
                simulator.webFaults.inject(.phantomAlive)
                let phantom = try await client.isLive(roomIDs: [live, unknown])
                #expect(phantom == [live: true, unknown: true])
                await #expect(throws: TikTokLiveError.challengePage(endpoint: "/api-live/user/room/", kind: .waf)) {
                    try await client.userInfoFromAPI(username: "check_1")
                }
                #expect(simulator.groundTruth.faults.contains("web.phantomAlive /webcast/room/check_alive/"))
                simulator.webFaults.clear([.checkAlive])
                let cleared = try await client.isLive(roomIDs: [live, unknown])
                #expect(cleared == [live: true])
            }
        }

        @Test func everyWebRequestIsLoggedWithItsEndpointButNotTheCDNOrTheSigner() async throws {
            try await WebSimulator.with(Self.creators(1)) { simulator, client in
                let before = simulator.groundTruth.webRequests.count
                let room = try await client.roomInfo(roomID: "7300000000000000101")
                _ = try await client.userInfo(username: "check_1")
                _ = try await client.liveFeed()
                let flv = try #require(room.variants.compactMap(\.flvURL).first)
                #expect(try await EndpointTests.firstBytes(of: flv) == Array("FLV".utf8))
                _ = try await CurlHTTPClient().send(HTTPRequest(url: "\(client.configuration.signerBaseURL)/webcast/rate_limits"))
                let requests = simulator.groundTruth.webRequests.dropFirst(before)
                #expect(requests.map(\.endpoint) == [.roomInfo, .userRoomAPI, .feed])
                #expect(zip(requests, requests.dropFirst()).allSatisfy { $0.at <= $1.at })
                #expect(simulator.groundTruth.maxWebRequests(inAnyWindowOf: 60) == simulator.groundTruth.webRequests.count)
            }
        }
    }
}
