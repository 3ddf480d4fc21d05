/// What the simulator plays: which creators exist and when each is live.
///
/// The built-in scenario has one creator who goes live shortly after start, chats for a while and ends the live
/// with control action 3. A scenario file (YAML, ``ScenarioFile``) gives each creator a ``Creator/timeline`` instead.
public struct SimulatorScenario: Sendable {
    /// One simulated creator and their single live.
    public struct Creator: Sendable {
        /// The @username.
        public var uniqueID: String
        /// Display name.
        public var nickname: String
        /// Numeric user id.
        public var userID: Int64
        /// Room id of the live (above 2^53, as TikTok's are).
        public var roomID: Int64
        /// Delay from simulator start to going live.
        public var liveAfter: Duration
        /// How long the live lasts.
        public var liveDuration: Duration
        /// Gap between chat messages while live.
        public var chatInterval: Duration
        /// The creator's steps, in time order, from a scenario file; `nil` plays the built-in live (after `liveAfter`,
        /// for `liveDuration`, chatting every `chatInterval`).
        public var timeline: [ScenarioStep]?

        /// Creates a creator.
        public init(
            uniqueID: String, nickname: String, userID: Int64, roomID: Int64, liveAfter: Duration, liveDuration: Duration,
            chatInterval: Duration = .milliseconds(700), timeline: [ScenarioStep]? = nil
        ) {
            self.uniqueID = uniqueID
            self.nickname = nickname
            self.userID = userID
            self.roomID = roomID
            self.liveAfter = liveAfter
            self.liveDuration = liveDuration
            self.chatInterval = chatInterval
            self.timeline = timeline
        }
    }

    /// Every creator the simulator knows.
    public var creators: [Creator]

    /// Creates a scenario.
    public init(creators: [Creator]) {
        self.creators = creators
    }

    /// The built-in scenario: `sim_creator` goes live after `liveAfter` for `liveDuration`.
    public static func builtIn(liveAfter: Duration = .seconds(1), liveDuration: Duration = .seconds(30)) -> SimulatorScenario {
        SimulatorScenario(creators: [
            Creator(
                uniqueID: "sim_creator", nickname: "Simulated Creator", userID: 6_900_000_000_000_000_001,
                roomID: 7_300_000_000_000_000_001, liveAfter: liveAfter, liveDuration: liveDuration
            )
        ])
    }
}
