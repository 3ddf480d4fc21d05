import TikTokLive

/// The built-in live's events besides the chat, at a realistic mix: likes and joins often, the viewer count every
/// 3 s, the host's intro and a system line at the start, one question, one battle with score updates, one pin,
/// one message of a type no client knows, and a follow and a share every 20 s from 10 s on (after the 10 s live the
/// end-to-end test records, whose subtitle check counts only chat cues).
///
/// Everything is precomputed and deterministic, so tests can compare what the client decoded with these values.
public enum EventScript {
    /// The like batches, in order, repeating: each like event carries the next one and the running total.
    public static let likeBatches: [Int64] = [1, 3, 2, 8, 1, 15, 4, 2]
    /// The id of the question asked in every built-in live.
    public static let questionID: Int64 = 7_450_000_000_000_000_001
    /// The text of the question asked in every built-in live.
    public static let questionText = "how long have you been streaming today? 🤔"
    /// The id of the built-in live's battle.
    public static let battleID: Int64 = 7_460_000_000_000_000_001
    /// The method of the message no client knows (its payload starts with a valid common header).
    public static let unknownMethod = "WebcastSimulatorOnlyMessage"
    /// The host's introduction of the live.
    public static let introText = "Simulated LIVE: chat, likes and a battle, all made up"
    /// The system line shown at the start.
    public static let roomText = "Welcome to LIVE! Be kind and follow the Community Guidelines."

    /// One scripted event.
    enum Step: Sendable {
        case intro, roomText, join, like, viewers, question, battleStart, battleScores, battleEnd, pin, unknown, follow, share
    }

    /// The opposing host in the battle.
    static let rival: (id: Int64, uniqueID: String, nickname: String) = (7_200_000_000_000_000_001, "rival_host", "Rival Host")

    /// Every step of a live, with its offset from the live's start, in time order; only those before `end`.
    static func steps(until end: Duration) -> [(at: Duration, step: Step)] {
        func every(_ step: Step, from start: Int, period: Int) -> [(at: Duration, step: Step)] {
            stride(from: start, to: Int(end / .milliseconds(1)), by: period).map { (.milliseconds($0), step) }
        }
        let once: [(at: Duration, step: Step)] = [
            (.milliseconds(300), .intro), (.milliseconds(500), .roomText), (.milliseconds(2_600), .question),
            (.milliseconds(3_300), .battleStart), (.milliseconds(4_300), .battleScores), (.milliseconds(4_800), .pin),
            (.milliseconds(5_300), .battleScores), (.milliseconds(5_600), .unknown), (.milliseconds(6_100), .battleEnd),
        ]
        let all =
            once.filter { $0.at < end } + every(.join, from: 200, period: 900) + every(.like, from: 450, period: 600)
            + every(.viewers, from: 1_500, period: 3_000) + every(.follow, from: 10_200, period: 20_000)
            + every(.share, from: 10_600, period: 20_000)
        return all.sorted { $0.at < $1.at }
    }

    /// Plays the steps into `room`, each at `start` plus its offset, stopping before `end`.
    /// - Throws: `CancellationError`.
    static func play(into room: SimulatedRoom, start: ContinuousClock.Instant, end: ContinuousClock.Instant) async throws {
        var counters = Counters()
        for (offset, step) in Self.steps(until: end - start) {
            try await Task.sleep(until: start + offset)
            Self.perform(step, in: room, counters: &counters)
        }
    }

    /// The room's running numbers.
    private struct Counters {
        var likes: Int64 = 0
        var likeEvents = 0
        var members: Int64 = 37
        var joins = 0
        var viewerUpdates: Int64 = 0
        var battleRound: Int64 = 0
        var follows: Int64 = 0
        var shares: Int64 = 0
    }

    private static func perform(_ step: Step, in room: SimulatedRoom, counters: inout Counters) {
        switch step {
        case .intro:
            room.pushIntro(Self.introText, host: Self.host(room))
        case .roomText:
            room.pushRoomText(Self.roomText)
        case .join:
            counters.members += 1
            counters.joins += 1
            room.pushJoin(memberCount: counters.members, from: ChatScript.user(counters.joins))
        case .like:
            let batch = Self.likeBatches[counters.likeEvents % Self.likeBatches.count]
            counters.likes += batch
            counters.likeEvents += 1
            room.pushLike(count: batch, total: counters.likes, from: ChatScript.user(counters.likeEvents + 2))
        case .viewers:
            counters.viewerUpdates += 1
            room.pushViewers(current: 40 + 3 * counters.viewerUpdates, total: 50 + 9 * counters.viewerUpdates)
        case .question:
            room.pushQuestion(id: Self.questionID, text: Self.questionText, from: ChatScript.user(3))
        case .battleStart:
            room.pushMicBattle(battleID: Self.battleID, action: 4, status: 1, hosts: Self.battleHosts(room, round: nil))
        case .battleScores:
            counters.battleRound += 1
            let scores = Self.scores(round: counters.battleRound)
            room.pushBattleScores(battleID: Self.battleID, scores: [room.creator.userID: scores.host, Self.rival.id: scores.rival])
        case .battleEnd:
            room.pushMicBattle(battleID: Self.battleID, action: 5, status: 2, hosts: Self.battleHosts(room, round: counters.battleRound))
        case .pin:
            room.pushPinLastChat(action: 1, by: Self.host(room))
        case .unknown:
            // Field 2 (varint 42) and field 3 (string "sim"): nothing any client decodes.
            room.pushUnknown(method: Self.unknownMethod, extraBytes: [0x10, 0x2A, 0x1A, 0x03, 0x73, 0x69, 0x6D])
        case .follow:
            counters.follows += 1
            room.pushFollow(followCount: 1_000 + counters.follows, from: ChatScript.user(Int(counters.follows)))
        case .share:
            counters.shares += 1
            room.pushShare(shareCount: counters.shares, from: ChatScript.user(Int(counters.shares) + 1))
        }
    }

    /// The battle scores (the creator's, the rival's) after `round` score updates; the battle ends after two.
    public static func scores(round: Int64) -> (host: Int64, rival: Int64) {
        (120 * round + 35, 90 * round + 60)
    }

    private static func host(_ room: SimulatedRoom) -> Webcast_User {
        var user = Webcast_User()
        user.id = room.creator.userID
        user.idStr = String(room.creator.userID)
        user.displayID = room.creator.uniqueID
        user.nickname = room.creator.nickname
        return user
    }

    private static func battleHosts(_ room: SimulatedRoom, round: Int64?) -> [(user: Webcast_User, score: Int64?)] {
        var rival = Webcast_User()
        rival.id = Self.rival.id
        rival.idStr = String(Self.rival.id)
        rival.displayID = Self.rival.uniqueID
        rival.nickname = Self.rival.nickname
        let scores = round.map { Self.scores(round: $0) }
        return [(Self.host(room), scores?.host), (rival, scores?.rival)]
    }
}
