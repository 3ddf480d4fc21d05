import Foundation
import Testing
import TikTokLive
import TikTokSimulator

/// Scenario files played in-process: the TikTokLive client receives exactly what the scenario pushed, and meets the
/// faults it switches on.
@Suite struct ScenarioPlaybackTests {
    static func scenario(_ name: String) throws -> SimulatorScenario {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent(
            "scenarios/\(name)"
        ).path
        return try ScenarioFile.load(path: path)
    }

    @Test func aRoomIDChangeEndsTheOldFeedAndTheUserLookupNamesTheNewRoom() async throws {
        try await SimulatorHarness.with(try Self.scenario("room-id-change.yaml")) { simulator, baseURL in
            let client = SimulatorHarness.client(baseURL)
            let started = ContinuousClock.now
            let (oldRoom, _) = try await SimulatorHarness.collectEvents(client, timeout: .seconds(20))
            // The old room's sockets close without an end message; check_alive no longer knows the room, so its feed
            // ends then, long before the moved live ends at 14 s.
            #expect(ContinuousClock.now - started < .seconds(11), "the old feed must end with the move, not with the live")
            #expect(oldRoom.contains { $0.type == "chat" })
            #expect(simulator.groundTruth.faults.contains("room.idChanged 7300000000000000999"))

            let user = try await client.userInfo(username: "sim_creator")
            #expect(user.roomID == "7300000000000000999")
            #expect(user.isLive)
            let live = try await client.trackRoom(roomID: "7300000000000000999")
            var newRoom: [LiveEvent] = []
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await live.run() }
                for try await event in live.events { newRoom.append(event) }
            }
            #expect(newRoom.contains { $0.type == "chat" })
            #expect(newRoom.last?.isStreamEnd == true)
            #expect(Set(newRoom.map(\.msgID)).isDisjoint(with: Set(oldRoom.map(\.msgID))))
        }
    }

    @Test func theClientReceivesExactlyTheEventsTheScenarioPushed() async throws {
        try await SimulatorHarness.with(try Self.scenario("short-every-event.yaml")) { simulator, baseURL in
            let client = SimulatorHarness.client(baseURL)
            let (received, _) = try await SimulatorHarness.collectEvents(client, timeout: .seconds(15))
            let pushed = simulator.groundTruth.pushedEvents
            // The streak without repeat_end is closed by the client when the feed ends: one made-up event, id 0.
            let madeUp = received.filter { $0.msgID == 0 }
            #expect(madeUp.count == 1)
            if case .gift(let gift) = madeUp.first?.kind {
                #expect(gift.streak == .closedUnconfirmed && gift.repeatCount == 3)
            } else {
                Issue.record("the unfinished streak was not closed: \(madeUp)")
            }
            let events = received.filter { $0.msgID != 0 }
            #expect(events.last?.isStreamEnd == true)
            #expect(Set(events.map(\.msgID)) == Set(pushed.map(\.msgID)), "nothing lost, nothing made up")
            for truth in pushed {
                let delivered = events.filter { $0.msgID == truth.msgID }
                #expect(delivered.count == 1, "\(truth.type) \(truth.msgID) delivered \(delivered.count) times")
                #expect(delivered.first?.type == truth.type, "\(truth.msgID) pushed as \(truth.type)")
            }

            let counts = Dictionary(grouping: pushed, by: \.type).mapValues(\.count)
            #expect(counts["chat"] == 6)  // 4 a second for 1.5 s
            #expect(counts["join"] == 2 && counts["like"] == 2 && counts["follow"] == 1 && counts["share"] == 1)
            #expect(counts["viewers"] == 1 && counts["question"] == 1 && counts["pin"] == 1)
            #expect(counts["micBattle"] == 2 && counts["battle"] == 1)
            #expect(counts["gift"] == 4, "a 3-tap streak without its repeat_end frame, and one single gift")

            let controls = events.compactMap { event -> Int64? in
                if case .control(let action) = event.kind { return action }
                return nil
            }
            #expect(controls == [1, 2, 4], "pause, resume, then ended by TikTok")
            #expect(events.contains { $0.type == "unknown" })
            let comments = events.compactMap { event -> String? in
                if case .chat(let comment) = event.kind { return comment }
                return nil
            }
            #expect(
                comments.prefix(3) == [
                    "emoji 🔥😂", "שלום עולם", "a long comment that goes on and on, with <b>markup</b> & more, to check it survives",
                ])
        }
    }

    @Test func aWebFaultStepMakesTheUserLookupFallBackAndThenFail() async throws {
        try await SimulatorHarness.with(try Self.scenario("web-faults.yaml")) { simulator, baseURL in
            let client = SimulatorHarness.client(baseURL)
            try await Task.sleep(for: .milliseconds(1000))
            let fromPage = try await client.userInfo(username: "sim_creator")
            #expect(fromPage.source == .livePage, "the JSON API shows the firewall, so the live page answers")
            #expect(fromPage.isLive)
            #expect(simulator.groundTruth.faults.contains { $0.hasPrefix("web.waf") })

            try await Task.sleep(for: .milliseconds(3000))
            await #expect {
                _ = try await client.userInfo(username: "sim_creator")
            } throws: { error in
                guard case TikTokLiveError.challengePage = error else { return false }
                return true
            }
            #expect(simulator.groundTruth.faults.contains { $0.hasPrefix("web.captcha") })
        }
    }

    /// Whether `body` throws an error `matches` accepts.
    static func fails(_ body: () async throws -> Void, with matches: (TikTokLiveError) -> Bool) async -> Bool {
        do {
            try await body()
            return false
        } catch let error as TikTokLiveError {
            return matches(error)
        } catch {
            return false
        }
    }

    @Test func webFaultStepsInTurnReachTheClientAsTheirErrors() async throws {
        try await SimulatorHarness.with(try Self.scenario("web-faults-in-turn.yaml")) { simulator, baseURL in
            let start = ContinuousClock.now
            let client = SimulatorHarness.client(baseURL)
            let roomID = SimulatorHarness.roomID
            try await Task.sleep(until: start + .milliseconds(2000))
            let countryBlocked = await Self.fails({ _ = try await client.userInfo(username: "sim_creator") }) {
                if case .countryBlocked = $0 { return true }
                return false
            }
            #expect(countryBlocked, "302 step")

            try await Task.sleep(until: start + .milliseconds(7000))
            let ageRestricted = await Self.fails({ _ = try await client.roomInfo(roomID: roomID) }) {
                if case .ageRestricted(let code) = $0 { return code == 4_003_110 }
                return false
            }
            #expect(ageRestricted, "ageRestricted step")
            #expect(try await client.isLive(roomID: roomID), "check_alive is not a room-info endpoint")

            try await Task.sleep(until: start + .milliseconds(12000))
            let rateLimited = await Self.fails({ _ = try await client.roomInfo(roomID: roomID) }) {
                if case .rateLimited(_, let retryAfter) = $0 { return retryAfter == 7 }
                return false
            }
            #expect(rateLimited, "429 step")

            try await Task.sleep(until: start + .milliseconds(17000))
            #expect(try await client.isLive(roomID: roomID))
            #expect(try await client.isLive(roomID: roomID))
            let blocked = await Self.fails({ _ = try await client.isLive(roomID: roomID) }) {
                if case .blocked = $0 { return true }
                return false
            }
            #expect(blocked, "the third request in a minute is over the budget")
            #expect(simulator.webFaults.isBlocked)
            let faults = simulator.groundTruth.faults
            for name in ["web.302", "web.age.4003110", "web.429", "web.403"] {
                #expect(faults.contains { $0.hasPrefix(name) }, "\(name) in \(faults)")
            }
        }
    }

    @Test func aRefusedHandshakeStepStopsTheClientWithTheServersAnswer() async throws {
        try await SimulatorHarness.with(try Self.scenario("handshake-refused.yaml")) { simulator, baseURL in
            let client = SimulatorHarness.client(baseURL)
            let refused = await Self.fails({ _ = try await SimulatorHarness.collectEvents(client, timeout: .seconds(10)) }) {
                if case .handshakeRejected(_, let status, let message) = $0 { return status == "403" && message == "ROOM_BLOCKED" }
                return false
            }
            #expect(refused)
            #expect(simulator.groundTruth.socketsOpened == 0)
        }
    }

    @Test func socketDropsAndAMissingEndMessageFromAScenario() async throws {
        try await SimulatorHarness.with(try Self.scenario("socket-drops.yaml")) { simulator, baseURL in
            let client = SimulatorHarness.client(baseURL) { $0.reconnect.maxAttempts = 20 }
            let (events, _) = try await SimulatorHarness.collectEvents(client, timeout: .seconds(30))
            let pushed = simulator.groundTruth.pushedEvents.filter { $0.type == "chat" }.map(\.msgID)
            #expect(pushed.count == 20)
            #expect(events.filter { $0.type == "chat" }.map(\.msgID) == pushed, "every chat once, in order, across drops")
            #expect(simulator.groundTruth.socketsOpened >= 2, "the client reopened the dropped sockets")
            #expect(simulator.groundTruth.faults.contains("socket.dropped"))
            #expect(!events.contains { $0.isStreamEnd }, "the scenario ends the live without a control message")
        }
    }
}
