import Testing
import TikTokLive
import TikTokSimulator

/// The simulator's built-in live pushes every kind of event a real room does, and the client delivers each one once,
/// with its type and its fields intact.
@Suite struct SimulatorEventTypesTests {
    /// The types the built-in live pushes within its first 12 s.
    static let expectedTypes: Set<String> = [
        "chat", "like", "join", "follow", "share", "viewers", "question", "micBattle", "battle", "pin", "room", "intro", "unknown",
        "control",
    ]

    @Test func everyPushedEventArrivesOnceWithItsTypeAndFields() async throws {
        // 12 s: the first follow and share come 10.2 s and 10.6 s into the live.
        let scenario = SimulatorScenario.builtIn(liveAfter: .zero, liveDuration: .seconds(12))
        try await SimulatorHarness.with(scenario) { simulator, baseURL in
            let client = SimulatorHarness.client(baseURL)
            let (events, _) = try await SimulatorHarness.collectEvents(client, timeout: .seconds(40))
            let pushed = simulator.groundTruth.pushedEvents
            #expect(Set(pushed.map(\.type)) == Self.expectedTypes)
            #expect(events.last?.isStreamEnd == true)

            // Every pushed event exactly once, as the type the simulator meant; nothing the simulator did not push.
            for truth in pushed {
                let delivered = events.filter { $0.msgID == truth.msgID }
                #expect(delivered.count == 1, "\(truth.type) \(truth.msgID) delivered \(delivered.count) times")
                #expect(delivered.first?.type == truth.type, "\(truth.msgID) pushed as \(truth.type)")
            }
            #expect(Set(events.map(\.msgID)) == Set(pushed.map(\.msgID)))
            let ordered = events.filter { !$0.isHistory }.map(\.msgID)
            #expect(ordered == pushed.map(\.msgID), "events arrive in push order")

            // Likes: the scripted batches in order, with a running total that never goes down.
            let likes = events.compactMap { event -> (likes: Int64, total: Int64)? in
                if case .like(let likes, let total) = event.kind { return (likes, total) }
                return nil
            }
            #expect(likes.count >= 10)
            let batches = likes.indices.map { EventScript.likeBatches[$0 % EventScript.likeBatches.count] }
            #expect(likes.map(\.likes) == batches)
            var runningTotal: Int64 = 0
            for like in likes {
                #expect(like.total >= runningTotal)
                runningTotal += like.likes
                #expect(like.total == runningTotal)
            }

            // Joins: the member count only grows.
            let members = events.compactMap { event -> Int64? in
                if case .join(let count) = event.kind { return count }
                return nil
            }
            #expect(members.count >= 10 && members == members.sorted() && Set(members).count == members.count)

            // Viewers: never more now than over the whole live.
            for event in events {
                if case .viewers(let current, let total) = event.kind { #expect(current > 0 && current <= total) }
            }

            // The question, the battle and its scores, the pin, the intro, the system line, and the unknown type.
            let question = try #require(events.first { $0.type == "question" })
            #expect(question.kind == .question(id: EventScript.questionID, text: EventScript.questionText))
            #expect(question.user?.uniqueID.isEmpty == false)

            let battles = events.compactMap { event -> LiveEvent.MicBattle? in
                if case .micBattle(let battle) = event.kind { return battle }
                return nil
            }
            #expect(battles.map(\.battleID) == [EventScript.battleID, EventScript.battleID])
            #expect(battles.map(\.action) == [4, 5])
            #expect(battles.map(\.status) == [1, 2])
            #expect(battles.first?.hosts.map(\.uniqueID) == ["sim_creator", "rival_host"])
            #expect(battles.first?.hosts.allSatisfy { $0.score == nil } == true)
            let final = EventScript.scores(round: 2)
            #expect(battles.last?.hosts.map(\.score) == [final.host, final.rival])

            let scores = events.compactMap { event -> LiveEvent.BattleScores? in
                if case .battle(let scores) = event.kind { return scores }
                return nil
            }
            #expect(scores.count == 2 && scores.allSatisfy { $0.battleID == EventScript.battleID && $0.hosts.count == 2 })
            #expect(scores.last.map { Set($0.hosts.map(\.score)) } == [final.host, final.rival])

            let pin = try #require(
                events.compactMap { event -> LiveEvent.PinnedMessage? in
                    if case .pin(let pin) = event.kind { return pin }
                    return nil
                }.first
            )
            let pinnedChat = try #require(events.first { $0.msgID == pin.pinnedMsgID })
            #expect(pin.pinnedMethod == "WebcastChatMessage" && pin.action == 1)
            #expect(pinnedChat.kind == .chat(comment: pin.text))

            #expect(events.contains { $0.kind == .room(text: EventScript.roomText) })
            #expect(events.contains { $0.kind == .intro(roomID: Int64(SimulatorHarness.roomID) ?? 0, text: EventScript.introText) })

            let unknown = try #require(events.first { $0.type == "unknown" })
            #expect(unknown.method == EventScript.unknownMethod)
            #expect(unknown.createTime > 0, "the common header of an unknown type is still read")

            let socialUsers = events.filter { $0.type == "follow" || $0.type == "share" }.map(\.user?.uniqueID)
            #expect(socialUsers.count == 2 && socialUsers.allSatisfy { $0?.isEmpty == false })
        }
    }
}
