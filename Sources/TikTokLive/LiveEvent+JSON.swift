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
        switch self.kind {
        case .chat(let comment):
            fields.append(("comment", .string(comment)))
        case .gift(let gift):
            fields += [
                ("giftId", .int(gift.giftID)), ("giftName", .string(gift.giftName)), ("giftType", .int(gift.giftType)),
                ("diamondCount", .int(gift.diamondCount)), ("repeatCount", .int(gift.repeatCount)),
                ("repeatEnd", .bool(gift.repeatEnd)), ("groupId", .string(String(gift.groupID))),
            ]
        case .like(let likes, let total):
            fields += [("likes", .int(likes)), ("totalLikes", .int(total))]
        case .join(let memberCount):
            fields.append(("memberCount", .int(memberCount)))
        case .follow, .share:
            break
        case .viewers(let current, let total):
            fields += [("viewers", .int(current)), ("totalViewers", .int(total))]
        case .control(let action):
            fields.append(("action", .int(action)))
        case .delete(let messageIDs, let userIDs):
            fields += [
                ("deletedMsgIds", .array(messageIDs.map { .string(String($0)) })),
                ("deletedUserIds", .array(userIDs.map { .string(String($0)) })),
            ]
        case .unknown(let payload):
            fields.append(("payload", .string(Data(payload).base64EncodedString())))
        }
        return fields
    }
}
