import Foundation
import Testing
import TikTokLive
import TikTokSimulator

/// A creator's room over time, played from scenario timelines (on the loop encoder, so steps keep their times): a
/// pause shows as status 3 everywhere, every live has a room id of its own, and a phantom-alive `check_alive`.
@Suite struct RoomLifecycleTests {
    static let baseRoomID: Int64 = 7_300_000_000_000_000_001

    /// One creator playing `steps` (seconds, action), every video from the shared loop GOP.
    static func scenario(_ steps: [(Double, ScenarioStep.Action)]) -> SimulatorScenario {
        let timeline = steps.map { ScenarioStep(at: .milliseconds(Int($0.0 * 1000)), $0.1) }
        let creator = SimulatorScenario.Creator(
            uniqueID: "sim_creator", nickname: "Simulated Creator", userID: 6_900_000_000_000_000_001, roomID: Self.baseRoomID,
            liveAfter: .zero, liveDuration: .seconds(60), timeline: timeline
        )
        return SimulatorScenario(creators: [creator], encoder: .loop)
    }

    /// Asks `probe` until it returns a value, for up to `seconds`; the last value (or `nil`) is returned.
    static func eventually<Value: Sendable>(
        within seconds: Double = 15, _ probe: () async throws -> Value?
    ) async throws -> Value? {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while ContinuousClock.now < deadline {
            if let value = try await probe() { return value }
            try await Task.sleep(for: .milliseconds(50))
        }
        return nil
    }

    @Test func aPausedLiveIsStatus3OnEveryLookupButStillAliveUntilItResumes() async throws {
        let scenario = Self.scenario([(0, .live), (1, .pause), (12, .resume), (40, .end(action: 3))])
        try await SimulatorHarness.with(scenario) { simulator, baseURL in
            let client = SimulatorHarness.client(baseURL)
            let paused = try await Self.eventually {
                let user = try await client.userInfoFromAPI(username: "sim_creator")
                return user.liveStatus == RoomStatus.paused ? user : nil
            }
            #expect(paused?.isLive == false, "the JSON user lookup says 3 while paused")
            let roomID = String(Self.baseRoomID)
            let page = try await client.userInfoFromLivePage(username: "sim_creator")
            #expect(page.liveStatus == RoomStatus.paused, "SIGI_STATE says 3 too")
            #expect(try await client.roomInfo(roomID: roomID).status == RoomStatus.paused)
            let byUser = try await client.roomInfo(username: "sim_creator")
            #expect(byUser.status == RoomStatus.paused)
            #expect(!byUser.variants.isEmpty, "the video keeps going while paused")
            #expect(try await client.isLive(roomID: roomID), "check_alive still says alive while paused")

            let resumed = try await Self.eventually {
                let room = try await client.roomInfo(roomID: roomID)
                return room.status == RoomStatus.live ? room : nil
            }
            #expect(resumed != nil, "room/info says 2 again after resume")
            #expect(try await client.userInfo(username: "sim_creator").isLive)
            let controls = simulator.groundTruth.pushedEvents.filter { $0.type == "control" }.count
            #expect(controls == 2, "one control message for the pause, one for the resume")
        }
    }

    @Test func everyLiveGetsANewRoomIDAndEndedRoomsStayKnownToCheckAlive() async throws {
        let named: Int64 = 7_300_000_000_000_000_777
        let scenario = Self.scenario([
            // Each stretch lasts 5 s, so a loaded machine's slow answers still fall inside it.
            (0, .live), (2, .end(action: 3)), (4, .live), (9, .end(action: 3)), (11, .liveInRoom(roomID: named)),
            (16, .end(action: 3)), (21, .webFault(.inject(.phantomAlive, endpoints: WebFaults.Endpoint.web))),
        ])
        try await SimulatorHarness.with(scenario) { simulator, baseURL in
            let client = SimulatorHarness.client(baseURL)
            let first = String(Self.baseRoomID)
            let second = String(Self.baseRoomID + 1000)
            let third = String(named)
            let onSecond = try await Self.eventually {
                let user = try await client.userInfo(username: "sim_creator")
                return user.isLive && user.roomID == second ? user : nil
            }
            #expect(onSecond != nil, "the second live is in the configured room id + 1000")
            #expect(try await client.isLive(roomIDs: [first, second]) == [first: false, second: true])

            let onThird = try await Self.eventually {
                let user = try await client.userInfo(username: "sim_creator")
                return user.isLive && user.roomID == third ? user : nil
            }
            #expect(onThird != nil, "a live that names its room is in that room")
            #expect(try await client.roomInfo(roomID: third).isLive)

            let offline = try await Self.eventually {
                let user = try await client.userInfo(username: "sim_creator")
                return user.liveStatus == RoomStatus.ended ? user : nil
            }
            #expect(offline?.roomID == third, "an offline user keeps the last room id")
            let unknown = "7300000000000000404"
            #expect(try await client.isLive(roomIDs: [first, second, third, unknown]) == [first: false, second: false, third: false])

            // The phantomAlive step: every id asked is alive, ended and unknown rooms too.
            let phantom = try await Self.eventually {
                let alive = try await client.isLive(roomIDs: [first, third, unknown])
                return alive.values.allSatisfy { $0 } ? alive : nil
            }
            #expect(phantom == [first: true, third: true, unknown: true])
            #expect(simulator.groundTruth.faults.contains("web.phantomAlive /webcast/room/check_alive/"))
            #expect(try await client.roomInfo(roomID: third).status == RoomStatus.ended, "room/info still tells the truth")
        }
    }
}
