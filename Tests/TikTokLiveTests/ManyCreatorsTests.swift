import Foundation
import Testing
import TikTokLive
import TikTokSimulator

/// A simulator the size of a recorder service's watch list: 300 creators on the loop encoder start at once and
/// answer lookups, without a minute of encoding first.
@Suite struct ManyCreatorsTests {
    /// A scenario file of `count` creators, every one live from the start until the simulator stops.
    static func yaml(creators count: Int) -> String {
        var text = "encoder: loop\ncreators:\n"
        for index in 1...count {
            text += """
                  - uniqueId: creator_\(index)
                    userId: "\(6_900_000_000_000_010_000 + index)"
                    roomId: "\(7_300_000_000_000_010_000 + index)"
                    timeline: [{at: 0, live: {}}, {at: 0.5, chat: {rate: 1, for: 60, script: builtin}}]

                """
        }
        return text
    }

    @Test func threeHundredLoopingCreatorsGoLiveAtOnceAndAnswerLookups() async throws {
        let count = 300
        let parseStart = ContinuousClock.now
        let scenario = try ScenarioFile.parse(Self.yaml(creators: count), file: "many.yaml")
        let parseTime = ContinuousClock.now - parseStart
        #expect(scenario.creators.count == count)
        #expect(parseTime < .seconds(5), "reading 300 creators took \(parseTime)")

        let started = ContinuousClock.now
        try await SimulatorHarness.with(scenario) { simulator, baseURL in
            let client = SimulatorHarness.client(baseURL)
            let roomIDs = scenario.creators.map { String($0.roomID) }
            let allLive = try await RoomLifecycleTests.eventually(within: 60) {
                let alive = try await client.isLive(roomIDs: roomIDs)
                return alive.count == count && alive.values.allSatisfy { $0 } ? true : nil
            }
            let startTime = ContinuousClock.now - started
            #expect(allLive == true, "not every creator was live after \(startTime)")
            #expect(startTime < .seconds(30), "300 looping lives took \(startTime) to start")
            for index in [1, 150, 300] {
                let user = try await client.userInfo(username: "creator_\(index)")
                #expect(user.isLive && user.roomID == String(7_300_000_000_000_010_000 + index))
            }
            let room = try await client.roomInfo(username: "creator_300")
            #expect(room.isLive && !room.variants.isEmpty)
            let chatted = try await RoomLifecycleTests.eventually {
                Set(simulator.groundTruth.pushedEvents.compactMap(\.roomID)).count == count ? true : nil
            }
            #expect(chatted == true, "every room's chat runs")
        }
    }
}
