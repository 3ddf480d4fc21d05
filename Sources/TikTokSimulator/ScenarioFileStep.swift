/// One step of a scenario file's timeline: something that happens to a creator's room, or a fault switched on, at a
/// time counted from simulator start.
public struct ScenarioStep: Sendable, Equatable {
    /// What happens.
    public enum Action: Sendable, Equatable {
        /// The creator goes live (video, `status` 2, sockets accepted) in a new room: the creator's `roomID` for the first
        /// live, 1000 more for each live after it, as TikTok gives every live a new room id.
        case live
        /// The creator goes live, as ``live``, in the room with this id.
        case liveInRoom(roomID: Int64)
        /// Control message action 1 (paused), and room `status` 3 on every endpoint until ``resume``; the video keeps
        /// going and `check_alive` still says alive.
        case pause
        /// Control message action 2 (resumed), and room `status` 2 again.
        case resume
        /// The live ends: control message `action` (3 or 4), or none when `nil`; video stops, sockets close.
        case end(action: Int64?)
        /// Chat for a while beside the rest of the timeline.
        case chat(ChatRun)
        /// One gift streak (or a single frame for a non-streakable gift), beside the rest of the timeline.
        case gift(GiftStreak)
        /// `count` likes in one like event.
        case likes(count: Int64)
        /// `count` join events, one viewer each.
        case joins(count: Int)
        /// `count` follow events.
        case follows(count: Int)
        /// `count` share events.
        case shares(count: Int)
        /// A viewer count update.
        case viewers(current: Int64, total: Int64)
        /// A viewer's question.
        case question(text: String)
        /// A battle change against a made-up rival: `start`, a `scores` update, or `end`.
        case battle(BattlePhase)
        /// The host pins the last chat message.
        case pin
        /// A message of a type no client knows, with this method name.
        case unknown(method: String)
        /// Every event socket is dropped (no close frame) after it has carried this many frames; `nil` stops dropping.
        case dropSockets(afterFrames: Int?)
        /// A web-side fault switched on or off for everyone (protocol.md §1.6).
        case webFault(WebFaultChange)
        /// The next sign-server fetches fail, one fault each.
        case signerFaults([TransportFaults.SignerFault])
        /// The next WebSocket upgrades are refused, one answer each.
        case rejectHandshakes([TransportFaults.HandshakeRejection])
        /// A CDN fault for the creator's video stream (``CDNFaults``).
        case cdnFault(CDNFaultChange)
        /// The live moves to a new room id: the old one stops being live (sockets close without an end message).
        case roomIDChange(Int64)
        /// The video changes picture size mid-stream (a PK battle, a guest joining).
        case resolution(ResolutionChange)
    }

    /// A mid-stream picture size change: the encoder re-opens at the new size at the next frame, a keyframe that
    /// carries the new parameter sets in-band.
    public struct ResolutionChange: Sendable, Equatable {
        /// How the change is announced to viewers already watching.
        public enum Announcement: String, Sendable, Equatable, CaseIterable {
            /// A new sequence header tag before the keyframe (and the parameter sets in-band too).
            case sequenceHeader
            /// Only the in-band parameter sets in the keyframe; no new sequence header (what breaks recorders that
            /// trust the first one).
            case inBandOnly
        }

        /// New picture width in pixels.
        public var width: Int
        /// New picture height in pixels.
        public var height: Int
        /// How viewers already watching learn of it. New viewers always get the current sequence header.
        public var announce: Announcement

        /// Creates a change.
        public init(width: Int, height: Int, announce: Announcement = .sequenceHeader) {
            self.width = width
            self.height = height
            self.announce = announce
        }
    }

    /// A CDN fault, as ``CDNFaults`` applies it.
    public enum CDNFaultChange: Sendable, Equatable {
        /// The next `viewers` streams stop sending for `seconds`, `after` seconds into the stream.
        case stall(viewers: Int, seconds: Double, after: Double)
        /// The next `viewers` connections are cut `after` seconds of media into the stream.
        case drop(viewers: Int, after: Double)
        /// The stream's timestamps jump forward once by this many milliseconds.
        case timestampJump(milliseconds: Int)
        /// The next `viewers` get the previous GOP again, as an edge replaying its buffer.
        case duplicateGOP(viewers: Int)
        /// The next `viewers` get `seconds` of buffered video at once on connect.
        case burst(viewers: Int, seconds: Double)
        /// Every stream is delayed by this many milliseconds (`nil`: no delay).
        case latency(milliseconds: Int?)
    }

    /// A stretch of chat.
    public struct ChatRun: Sendable, Equatable {
        /// Messages per second.
        public var rate: Double
        /// How long the chat goes on (it stops earlier if the live ends).
        public var duration: Duration
        /// The comments, used in turn; `nil` plays the built-in chat (emoji, right-to-left text, a long line).
        public var comments: [String]?

        /// Creates a stretch of chat.
        public init(rate: Double, duration: Duration, comments: [String]?) {
            self.rate = rate
            self.duration = duration
            self.comments = comments
        }
    }

    /// A gift streak.
    public struct GiftStreak: Sendable, Equatable {
        /// Gift id.
        public var giftID: Int64
        /// Gift name.
        public var name: String
        /// Gift type: 1 is streakable (one frame per tap), anything else is a single frame.
        public var type: Int64
        /// Diamonds per gift.
        public var diamonds: Int64
        /// Taps in the streak.
        public var count: Int64
        /// Whether the final `repeat_end` frame is sent (TikTok sometimes leaves it out).
        public var sendsEnd: Bool
        /// The built-in viewer who sends it (0–3).
        public var viewer: Int

        /// Creates a gift streak.
        public init(giftID: Int64, name: String, type: Int64, diamonds: Int64, count: Int64, sendsEnd: Bool, viewer: Int) {
            self.giftID = giftID
            self.name = name
            self.type = type
            self.diamonds = diamonds
            self.count = count
            self.sendsEnd = sendsEnd
            self.viewer = viewer
        }
    }

    /// A battle change.
    public enum BattlePhase: String, Sendable, Equatable {
        /// The battle opens.
        case start
        /// A score update (each one adds a round).
        case scores
        /// The battle finishes with the last scores.
        case end
    }

    /// A web fault change.
    public enum WebFaultChange: Sendable, Equatable {
        /// `fault` on `endpoints` until cleared.
        case inject(WebFaults.Fault, endpoints: Set<WebFaults.Endpoint>)
        /// Faults removed from `endpoints`.
        case clear(endpoints: Set<WebFaults.Endpoint>)
        /// A request budget per minute (over it: 403 for `blockFor`); `nil` lifts it.
        case budget(perMinute: Int?, blockFor: Duration)
    }

    /// Whether the action starts a live (``Action/live`` or ``Action/liveInRoom(roomID:)``).
    public var startsALive: Bool {
        switch self.action {
        case .live, .liveInRoom: true
        default: false
        }
    }

    /// When, from simulator start.
    public var at: Duration
    /// What happens.
    public var action: Action
    /// The line of the step in its scenario file (0 when built in code).
    public var line: Int

    /// Creates a step.
    public init(at: Duration, _ action: Action, line: Int = 0) {
        self.at = at
        self.action = action
        self.line = line
    }
}
