// The values carried by the richer event kinds (battles, pins, envelopes, goals, polls, captions).

extension LiveEvent {
    /// A battle between hosts (`WebcastLinkMicBattle`): who is in it and, once known, their scores.
    public struct MicBattle: Sendable, Equatable {
        /// TikTok's battle id.
        public var battleID: Int64
        /// What happened: 1 invite, 2 reject, 3 cancel, 4 open, 5 finish, 6 cut short, 7 accept, 8–11 leaving.
        public var action: Int64
        /// The battle's state: 0 not started, 1 started, 2 finished, 3 punishment started, 4 punishment finished.
        public var status: Int64
        /// The hosts taking part, in TikTok's order.
        public var hosts: [BattleHost]

        /// Creates a battle value.
        public init(battleID: Int64, action: Int64, status: Int64, hosts: [BattleHost]) {
            self.battleID = battleID
            self.action = action
            self.status = status
            self.hosts = hosts
        }
    }

    /// A host in a battle.
    public struct BattleHost: Sendable, Equatable {
        /// The host's numeric user id, as a string.
        public var id: String
        /// The host's @username (empty when TikTok sent only the id).
        public var uniqueID: String
        /// The host's display name.
        public var nickname: String
        /// The host's score, when the message carries one (results at the end, or running totals).
        public var score: Int64?

        /// Creates a battle host value.
        public init(id: String, uniqueID: String, nickname: String, score: Int64?) {
            self.id = id
            self.uniqueID = uniqueID
            self.nickname = nickname
            self.score = score
        }
    }

    /// The running scores of a battle (`WebcastLinkMicArmies`).
    public struct BattleScores: Sendable, Equatable {
        /// TikTok's battle id.
        public var battleID: Int64
        /// Why the scores were sent: 1 score update, 2 battle end, 3 opt-out update, 4 keep-alive.
        public var status: Int64
        /// Each host's total, ordered by host id.
        public var hosts: [HostScore]

        /// Creates a scores value.
        public init(battleID: Int64, status: Int64, hosts: [HostScore]) {
            self.battleID = battleID
            self.status = status
            self.hosts = hosts
        }
    }

    /// One host's total in a battle.
    public struct HostScore: Sendable, Equatable {
        /// The host's numeric user id, as a string.
        public var hostID: String
        /// The host's points so far.
        public var score: Int64

        /// Creates a host score value.
        public init(hostID: String, score: Int64) {
            self.hostID = hostID
            self.score = score
        }
    }

    /// A pinned (or unpinned) message (`WebcastRoomPinMessage`). ``LiveEvent/user`` is the pinned message's author.
    public struct PinnedMessage: Sendable, Equatable {
        /// The pinned comment's text (empty when the pinned message is not a comment).
        public var text: String
        /// The method of the pinned message, e.g. `WebcastChatMessage`.
        public var pinnedMethod: String
        /// The message id of the pinned message.
        public var pinnedMsgID: Int64
        /// TikTok's pin action (1 pin, 2 unpin in observed traffic; kept as sent).
        public var action: Int64
        /// When it was pinned, Unix milliseconds (0 if absent).
        public var pinTime: Int64

        /// Creates a pinned message value.
        public init(text: String, pinnedMethod: String, pinnedMsgID: Int64, action: Int64, pinTime: Int64) {
            self.text = text
            self.pinnedMethod = pinnedMethod
            self.pinnedMsgID = pinnedMsgID
            self.action = action
            self.pinTime = pinTime
        }
    }

    /// A treasure box (`WebcastEnvelopeMessage`). ``LiveEvent/user`` is the sender, when TikTok names one.
    public struct Envelope: Sendable, Equatable {
        /// TikTok's envelope id.
        public var envelopeID: String
        /// Diamonds in the box.
        public var diamondCount: Int64
        /// How many viewers can open it.
        public var peopleCount: Int64
        /// 1 shown, 2 hidden (0 unknown).
        public var display: Int64

        /// Creates an envelope value.
        public init(envelopeID: String, diamondCount: Int64, peopleCount: Int64, display: Int64) {
            self.envelopeID = envelopeID
            self.diamondCount = diamondCount
            self.peopleCount = peopleCount
            self.display = display
        }
    }

    /// Progress of the host's LIVE goal (`WebcastGoalUpdateMessage`). ``LiveEvent/user`` is the contributor, if any.
    public struct Goal: Sendable, Equatable {
        /// TikTok's goal id.
        public var goalID: Int64
        /// The goal's description, as the host wrote it.
        public var description: String
        /// The parts of the goal, with progress and target.
        public var subGoals: [SubGoal]
        /// How much the contributor added with this update (0 if none).
        public var contributeCount: Int64

        /// Creates a goal value.
        public init(goalID: Int64, description: String, subGoals: [SubGoal], contributeCount: Int64) {
            self.goalID = goalID
            self.description = description
            self.subGoals = subGoals
            self.contributeCount = contributeCount
        }
    }

    /// One part of a LIVE goal.
    public struct SubGoal: Sendable, Equatable {
        /// The gift the part counts, if it counts a gift (empty otherwise).
        public var giftName: String
        /// Progress so far.
        public var progress: Int64
        /// The target.
        public var target: Int64

        /// Creates a sub-goal value.
        public init(giftName: String, progress: Int64, target: Int64) {
            self.giftName = giftName
            self.progress = progress
            self.target = target
        }
    }

    /// A poll (`WebcastPollMessage`).
    public struct Poll: Sendable, Equatable {
        /// TikTok's poll id.
        public var pollID: Int64
        /// Which part of the poll's life this message reports.
        public var phase: Phase
        /// The question (empty on messages that carry only votes).
        public var title: String
        /// The options with their votes so far.
        public var options: [PollOption]

        /// Creates a poll value.
        public init(pollID: Int64, phase: Phase, title: String, options: [PollOption]) {
            self.pollID = pollID
            self.phase = phase
            self.title = title
            self.options = options
        }

        /// Which part of the poll's life a message reports; the raw value is the JSON `phase`.
        public enum Phase: String, Sendable, Equatable {
            /// The poll opened.
            case start
            /// The votes changed.
            case update
            /// The poll closed; the votes are final.
            case end
            /// The message carried none of the three (kept for completeness).
            case unknown
        }
    }

    /// One option of a poll.
    public struct PollOption: Sendable, Equatable {
        /// The option's text.
        public var text: String
        /// Votes so far.
        public var votes: Int64

        /// Creates a poll option value.
        public init(text: String, votes: Int64) {
            self.text = text
            self.votes = votes
        }
    }

    /// A live caption (`WebcastCaptionMessage`).
    public struct Caption: Sendable, Equatable {
        /// When the sentence started, Unix milliseconds.
        public var startTime: Int64
        /// How long it lasts, milliseconds.
        public var durationMs: Int64
        /// The sentence, in each language TikTok sent.
        public var lines: [CaptionLine]
        /// Whether the sentence is final (`false` while speech recognition may still revise it).
        public var isFinal: Bool

        /// Creates a caption value.
        public init(startTime: Int64, durationMs: Int64, lines: [CaptionLine], isFinal: Bool) {
            self.startTime = startTime
            self.durationMs = durationMs
            self.lines = lines
            self.isFinal = isFinal
        }
    }

    /// One language's text of a caption.
    public struct CaptionLine: Sendable, Equatable {
        /// Language code, e.g. `en`.
        public var language: String
        /// The text.
        public var text: String

        /// Creates a caption line value.
        public init(language: String, text: String) {
            self.language = language
            self.text = text
        }
    }
}
