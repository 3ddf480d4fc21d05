import Logging
import TikTokLive

/// Plays one creator's scenario file timeline into their room: each step at its time from the start, chat and gift
/// streaks beside the rest, faults switched on the simulator's ``WebFaults`` and ``TransportFaults``.
struct ScenarioPlayer: Sendable {
    let simulator: TikTokSimulator
    let room: SimulatedRoom

    /// The room's running numbers, so counts only grow as in a real room.
    private struct Counters {
        var likes: Int64 = 0
        var members: Int64 = 20
        var joins = 0
        var follows: Int64 = 1_000
        var shares: Int64 = 0
        var questions: Int64 = 0
        var battleRound: Int64 = 0
        var events = 0
    }

    /// Plays `steps` (in time order), then waits for running chat and gift streaks. In loop mode the timeline starts
    /// once every GOP it needs is encoded, so its steps keep their spacing.
    /// - Throws: `CancellationError`, or when the video of a `live` step cannot start or change size.
    func play(_ steps: [ScenarioStep]) async throws {
        await self.room.prepareLoopGOPs(for: steps)
        let start = ContinuousClock.now
        var counters = Counters()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for step in steps {
                try await Task.sleep(until: start + step.at)
                switch step.action {
                case .chat(let run):
                    group.addTask { try await self.chat(run) }
                case .gift(let streak):
                    group.addTask { try await self.gift(streak) }
                case .live, .liveInRoom:
                    counters.events += 1
                    let named: Int64? = if case .liveInRoom(let roomID) = step.action { roomID } else { nil }
                    try await self.room.goLive(roomID: named, logger: self.simulator.logger)
                    self.simulator.logger.info(
                        "simulated live started", metadata: ["creator": "\(self.room.creator.uniqueID)", "room": "\(self.room.roomID)"])
                case .resolution(let change):
                    try await self.room.changeResolution(change)
                case .end(let action):
                    await self.room.end(action: action, linger: .milliseconds(500))
                    self.simulator.logger.info("simulated live ended", metadata: ["creator": "\(self.room.creator.uniqueID)"])
                default:
                    try self.perform(step.action, counters: &counters)
                }
            }
            try await group.waitForAll()
        }
    }

    private func perform(_ action: ScenarioStep.Action, counters: inout Counters) throws {
        let room = self.room
        counters.events += 1
        let viewer = ChatScript.user(counters.events)
        switch action {
        case .pause:
            room.pause()
        case .resume:
            room.resume()
        case .likes(let count):
            counters.likes += count
            room.pushLike(count: count, total: counters.likes, from: viewer)
        case .joins(let count):
            for _ in 0..<count {
                counters.members += 1
                counters.joins += 1
                room.pushJoin(memberCount: counters.members, from: ChatScript.user(counters.joins))
            }
        case .follows(let count):
            for index in 0..<count {
                counters.follows += 1
                room.pushFollow(followCount: counters.follows, from: ChatScript.user(index))
            }
        case .shares(let count):
            for index in 0..<count {
                counters.shares += 1
                room.pushShare(shareCount: counters.shares, from: ChatScript.user(index + 1))
            }
        case .viewers(let current, let total):
            room.pushViewers(current: current, total: total)
        case .question(let text):
            room.pushQuestion(id: EventScript.questionID + counters.questions, text: text, from: viewer)
            counters.questions += 1
        case .battle(let phase):
            self.battle(phase, counters: &counters)
        case .pin:
            room.pushPinLastChat(action: 1, by: self.host)
        case .unknown(let method):
            // Field 2 (varint 42) and field 3 (string "sim"): nothing any client decodes.
            room.pushUnknown(method: method, extraBytes: [0x10, 0x2A, 0x1A, 0x03, 0x73, 0x69, 0x6D])
        case .dropSockets(let frames):
            self.simulator.transportFaults.dropSockets(afterFrames: frames)
        case .roomIDChange(let roomID):
            room.changeRoomID(to: roomID)
        case .cdnFault(let change):
            let faults = self.simulator.cdnFaults
            switch change {
            case .stall(let viewers, let seconds, let after): faults.stallNextViewers(viewers, forSeconds: seconds, afterSeconds: after)
            case .drop(let viewers, let after): faults.dropNextViewers(viewers, afterSeconds: after)
            case .timestampJump(let milliseconds): faults.jumpTimestamps(byMilliseconds: milliseconds)
            case .duplicateGOP(let viewers): faults.duplicatePreviousGOPForNextViewers(viewers)
            case .burst(let viewers, let seconds): faults.burstNextViewers(viewers, seconds: seconds)
            case .latency(let milliseconds): faults.setLatency(milliseconds: milliseconds)
            }
        case .webFault(.inject(let fault, let endpoints)):
            self.simulator.webFaults.inject(fault, on: endpoints)
        case .webFault(.clear(let endpoints)):
            self.simulator.webFaults.clear(endpoints)
        case .webFault(.budget(let perMinute, let blockFor)):
            self.simulator.webFaults.setRequestBudget(perMinute: perMinute, blockFor: blockFor)
        case .signerFaults(let faults):
            for fault in faults { self.simulator.transportFaults.failNextSignerFetches(fault) }
        case .rejectHandshakes(let rejections):
            for rejection in rejections { self.simulator.transportFaults.rejectNextHandshakes(rejection) }
        case .live, .liveInRoom, .chat, .gift, .end, .resolution:
            break
        }
    }

    /// A control message's fields after its common header: field 2 (`action`), a one-byte varint.

    private func battle(_ phase: ScenarioStep.BattlePhase, counters: inout Counters) {
        let battleID = EventScript.battleID
        switch phase {
        case .start:
            counters.battleRound = 0
            self.room.pushMicBattle(battleID: battleID, action: 4, status: 1, hosts: self.battleHosts(round: nil))
        case .scores:
            counters.battleRound += 1
            let scores = EventScript.scores(round: counters.battleRound)
            self.room.pushBattleScores(
                battleID: battleID, scores: [self.room.creator.userID: scores.host, EventScript.rival.id: scores.rival]
            )
        case .end:
            self.room.pushMicBattle(battleID: battleID, action: 5, status: 2, hosts: self.battleHosts(round: counters.battleRound))
        }
    }

    /// Chats `rate × duration` messages (at least one), `1 / rate` seconds apart, stopping early if the live ends.
    private func chat(_ run: ScenarioStep.ChatRun) async throws {
        let start = ContinuousClock.now
        let count = max(1, Int(run.duration / .milliseconds(1)) * Int(run.rate * 1000) / 1_000_000)
        let gap = Duration.microseconds(Int(1_000_000 / run.rate))
        for index in 0..<count {
            try await Task.sleep(until: start + gap * index)
            guard self.room.isOnAir else { return }
            if let comments = run.comments {
                self.room.pushChat(comments[index % comments.count], from: ChatScript.user(index))
            } else {
                let line = ChatScript.lines[index % ChatScript.lines.count]
                self.room.pushChat(line.comment, from: ChatScript.user(line.userIndex))
            }
        }
    }

    private func gift(_ streak: ScenarioStep.GiftStreak) async throws {
        try await self.simulator.sendGift(
            to: self.room.creator.uniqueID, from: streak.viewer, giftID: streak.giftID, name: streak.name, type: streak.type,
            diamondCount: streak.diamonds, count: streak.count, sendEnd: streak.sendsEnd
        )
    }

    private var host: Webcast_User {
        var user = Webcast_User()
        user.id = self.room.creator.userID
        user.idStr = String(self.room.creator.userID)
        user.displayID = self.room.creator.uniqueID
        user.nickname = self.room.creator.nickname
        return user
    }

    private func battleHosts(round: Int64?) -> [(user: Webcast_User, score: Int64?)] {
        var rival = Webcast_User()
        rival.id = EventScript.rival.id
        rival.idStr = String(EventScript.rival.id)
        rival.displayID = EventScript.rival.uniqueID
        rival.nickname = EventScript.rival.nickname
        let scores = round.map { EventScript.scores(round: $0) }
        return [(self.host, scores?.host), (rival, scores?.rival)]
    }
}
