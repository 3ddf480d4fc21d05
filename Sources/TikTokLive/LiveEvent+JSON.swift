import Foundation

/// A JSON value small enough to build event records by hand, in a fixed key order.
public enum JSONValue: Sendable, Equatable {
    /// A string, escaped on output.
    case string(String)
    /// An integer, written exactly (ids and millisecond times need all 64 bits).
    case int(Int64)
    /// A number written with three decimals (seconds on the media timeline).
    case double(Double)
    /// `true` or `false`.
    case bool(Bool)
    /// An object whose keys keep the given order.
    case object([(String, JSONValue)])
    /// An array.
    case array([JSONValue])
    /// `null`.
    case null

    /// Two values are equal when they serialise to the same text.
    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool { lhs.serialized() == rhs.serialized() }

    /// Compact JSON text, keys in insertion order, non-ASCII kept as UTF-8.
    public func serialized() -> String {
        var out = ""
        self.write(into: &out)
        return out
    }

    private func write(into out: inout String) {
        switch self {
        case .string(let value): Self.writeString(value, into: &out)
        case .int(let value): out += String(value)
        case .double(let value): out += value.isFinite ? String(format: "%.3f", value) : "null"
        case .bool(let value): out += value ? "true" : "false"
        case .null: out += "null"
        case .array(let values):
            out += "["
            for (index, value) in values.enumerated() {
                if index > 0 { out += "," }
                value.write(into: &out)
            }
            out += "]"
        case .object(let fields):
            out += "{"
            for (index, (key, value)) in fields.enumerated() {
                if index > 0 { out += "," }
                Self.writeString(key, into: &out)
                out += ":"
                value.write(into: &out)
            }
            out += "}"
        }
    }

    private static func writeString(_ value: String, into out: inout String) {
        out += "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x2028 || scalar.value == 0x2029:
                out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}

extension LiveEvent {
    /// The event's fields in the documented JSON schema, in a stable order:
    /// `type`, `method`, `msgId` (string), `createTime` (ms), `isHistory` (only when true), `user`, then per-type fields.
    /// 64-bit ids are written as strings (they exceed 2^53); counts and times as integers.
    public var jsonFields: [(String, JSONValue)] {
        var fields: [(String, JSONValue)] = [
            ("type", .string(self.type)),
            ("method", .string(self.method)),
            ("msgId", .string(String(self.msgID))),
            ("createTime", .int(self.createTime)),
        ]
        if self.isHistory { fields.append(("isHistory", .bool(true))) }
        if let user = self.user {
            fields.append(
                ("user", .object([("id", .string(user.id)), ("uniqueId", .string(user.uniqueID)), ("nickname", .string(user.nickname))]))
            )
        }
        fields += self.kindFields
        return fields
    }

    private var kindFields: [(String, JSONValue)] {
        switch self.kind {
        case .chat(let comment):
            [("comment", .string(comment))]
        case .emoteChat(let emoteIDs):
            [("emoteIds", .array(emoteIDs.map { .string($0) }))]
        case .gift(let gift):
            [
                ("giftId", .int(gift.giftID)), ("giftName", .string(gift.giftName)), ("giftType", .int(gift.giftType)),
                ("diamondCount", .int(gift.diamondCount)), ("repeatCount", .int(gift.repeatCount)),
                ("repeatEnd", .bool(gift.repeatEnd)), ("groupId", .string(String(gift.groupID))),
                ("streak", .string(gift.streak.rawValue)), ("countedDiamonds", gift.countedDiamonds.map { .int($0) } ?? .null),
            ]
        case .like(let likes, let total):
            [("likes", .int(likes)), ("totalLikes", .int(total))]
        case .join(let memberCount):
            [("memberCount", .int(memberCount))]
        case .follow, .share:
            []
        case .viewers(let current, let total):
            [("viewers", .int(current)), ("totalViewers", .int(total))]
        case .question(let id, let text):
            [("questionId", .string(String(id))), ("text", .string(text))]
        case .control(let action):
            [("action", .int(action))]
        case .room(let text):
            [("text", .string(text))]
        case .micBattle(let battle):
            [
                ("battleId", .string(String(battle.battleID))), ("action", .int(battle.action)), ("status", .int(battle.status)),
                ("hosts", .array(battle.hosts.map(\.json))),
            ]
        case .battle(let scores):
            [
                ("battleId", .string(String(scores.battleID))), ("status", .int(scores.status)),
                ("hosts", .array(scores.hosts.map { .object([("id", .string($0.hostID)), ("score", .int($0.score))]) })),
            ]
        case .roomBanner(let json):
            [("json", .string(json))]
        case .intro(let roomID, let text):
            [("roomId", .string(String(roomID))), ("text", .string(text))]
        case .pin(let pin):
            [
                ("text", .string(pin.text)), ("pinnedMethod", .string(pin.pinnedMethod)),
                ("pinnedMsgId", .string(String(pin.pinnedMsgID))), ("action", .int(pin.action)), ("pinTime", .int(pin.pinTime)),
            ]
        case .gameIntro(let text):
            [("text", .string(text))]
        case .subscription(let months):
            [("months", .int(months))]
        case .envelope(let envelope):
            [
                ("envelopeId", .string(envelope.envelopeID)), ("diamondCount", .int(envelope.diamondCount)),
                ("peopleCount", .int(envelope.peopleCount)), ("display", .int(envelope.display)),
            ]
        case .goal(let goal):
            [
                ("goalId", .string(String(goal.goalID))), ("description", .string(goal.description)),
                (
                    "subGoals",
                    .array(
                        goal.subGoals.map {
                            .object([("giftName", .string($0.giftName)), ("progress", .int($0.progress)), ("target", .int($0.target))])
                        }
                    )
                ),
                ("contributeCount", .int(goal.contributeCount)),
            ]
        case .poll(let poll):
            [
                ("pollId", .string(String(poll.pollID))), ("phase", .string(poll.phase.rawValue)), ("title", .string(poll.title)),
                ("options", .array(poll.options.map { .object([("text", .string($0.text)), ("votes", .int($0.votes))]) })),
            ]
        case .caption(let caption):
            [
                ("startTime", .int(caption.startTime)), ("durationMs", .int(caption.durationMs)),
                ("lines", .array(caption.lines.map { .object([("language", .string($0.language)), ("text", .string($0.text))]) })),
                ("isFinal", .bool(caption.isFinal)),
            ]
        case .delete(let messageIDs, let userIDs):
            [
                ("deletedMsgIds", .array(messageIDs.map { .string(String($0)) })),
                ("deletedUserIds", .array(userIDs.map { .string(String($0)) })),
            ]
        case .unknown(let payload):
            [("payload", .string(Data(payload).base64EncodedString()))]
        }
    }
}

extension LiveEvent.BattleHost {
    fileprivate var json: JSONValue {
        .object([
            ("id", .string(self.id)), ("uniqueId", .string(self.uniqueID)), ("nickname", .string(self.nickname)),
            ("score", self.score.map { .int($0) } ?? .null),
        ])
    }
}
