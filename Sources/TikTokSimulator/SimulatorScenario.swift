import LiveMedia

/// What the simulator plays: which creators exist, when each is live and how their video is made.
///
/// The built-in scenario has one creator who goes live shortly after start, chats for a while and ends the live
/// with control action 3. A scenario file (YAML, ``ScenarioFile``) gives each creator a ``Creator/timeline`` instead.
public struct SimulatorScenario: Sendable {
    /// How the CDN's video is produced.
    public enum Encoder: String, Sendable, Equatable, CaseIterable {
        /// Each live runs its own real-time encoder (one thread each); the drawn media time counts up.
        case live
        /// Encode-once GOP loop, for load: one 2 s GOP per video format is encoded once per process and looped by
        /// every live of that format with rewritten timestamps, paced by one shared thread. The drawn media time in
        /// the picture repeats every 2 s (timestamps still count up).
        case loop
    }

    /// A room's video: codec, how HEVC is put in FLV, picture size and bitrate.
    public struct Video: Sendable, Hashable {
        /// H.264 or HEVC.
        public var codec: VideoConfiguration.Codec
        /// How HEVC is signalled in FLV (ignored for H.264).
        public var hevcForm: FLVTagWriter.HEVCForm
        /// Picture width in pixels (even, at least 320).
        public var width: Int
        /// Picture height in pixels (even, at least 180).
        public var height: Int
        /// Video bitrate in bit/s (constant).
        public var bitrate: Int
        /// Frames per second.
        public var framesPerSecond: Int { 30 }

        /// Creates video settings; the default is H.264 640x360 at 2 Mbit/s.
        public init(
            codec: VideoConfiguration.Codec = .h264, hevcForm: FLVTagWriter.HEVCForm = .codecID12, width: Int = 640,
            height: Int = 360, bitrate: Int = 2_000_000
        ) {
            self.codec = codec
            self.hevcForm = hevcForm
            self.width = width
            self.height = height
            self.bitrate = bitrate
        }

        /// The same settings in `codec` (the HEVC form kept), e.g. for the other codec's renditions.
        func with(codec: VideoConfiguration.Codec) -> Video {
            var copy = self
            copy.codec = codec
            return copy
        }

        /// The same settings at another picture size.
        func with(width: Int, height: Int) -> Video {
            var copy = self
            copy.width = width
            copy.height = height
            return copy
        }
    }

    /// One simulated creator and their lives.
    public struct Creator: Sendable {
        /// The @username.
        public var uniqueID: String
        /// Display name.
        public var nickname: String
        /// Numeric user id.
        public var userID: Int64
        /// Room id of the first live (above 2^53, as TikTok's are); each later live gets a new one.
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
        /// The room's video at the start of each live; its codec is what the quality ladder's main renditions say.
        public var video: Video
        /// The renditions the room offers, by `sdk_key` (`origin`, `hd_60`, `hd`, `sd`, `ld`), best first; `nil` offers
        /// the whole ladder. A real room's ladder depends on the creator's upload (a phone live often has no `origin`).
        public var qualities: [String]?
        /// Whether the logged-in session follows the creator, so that their lives are in the Following live feed
        /// (`/webcast/feed/?channel_id=42`).
        public var followed: Bool

        /// Creates a creator.
        public init(
            uniqueID: String, nickname: String, userID: Int64, roomID: Int64, liveAfter: Duration, liveDuration: Duration,
            chatInterval: Duration = .milliseconds(700), timeline: [ScenarioStep]? = nil, video: Video = Video(),
            qualities: [String]? = nil, followed: Bool = true
        ) {
            self.uniqueID = uniqueID
            self.nickname = nickname
            self.userID = userID
            self.roomID = roomID
            self.liveAfter = liveAfter
            self.liveDuration = liveDuration
            self.chatInterval = chatInterval
            self.timeline = timeline
            self.video = video
            self.qualities = qualities
            self.followed = followed
        }
    }

    /// Every creator the simulator knows.
    public var creators: [Creator]
    /// How every live's video is produced.
    public var encoder: Encoder

    /// Creates a scenario.
    public init(creators: [Creator], encoder: Encoder = .live) {
        self.creators = creators
        self.encoder = encoder
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
