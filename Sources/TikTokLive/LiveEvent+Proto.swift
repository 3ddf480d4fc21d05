import Foundation
import SwiftProtobuf

// The one place where wire types become ``LiveEvent`` values.

extension LiveEvent {
    /// The methods whose schema only one client library documents (the v3 schema): with `experimental: false`
    /// they arrive as ``Kind/unknown(payload:)``.
    public static let experimentalMethods: Set<String> = [
        "WebcastPollMessage", "WebcastGoalUpdateMessage", "WebcastCaptionMessage", "WebcastEnvelopeMessage",
        "WebcastLiveGameIntroMessage",
    ]

    /// Decodes one `BaseProtoMessage` into an event.
    ///
    /// Fields may come in any order, unknown fields are skipped, and every integer is read as 64-bit.
    /// Methods this library does not know become ``Kind/unknown(payload:)`` with their common header read if it
    /// is there; so do ``experimentalMethods`` when `experimental` is `false`.
    /// - Throws: `SwiftProtobuf.BinaryDecodingError` when the payload of a known method is malformed; the caller
    ///   should log the payload (base64) and carry on with the next message.
    public init(message: Webcast_BaseProtoMessage, experimental: Bool = true) throws {
        let payload = message.payload
        let decoded: Decoded
        if !experimental && Self.experimentalMethods.contains(message.method) {
            decoded = Self.unknown(payload)
        } else {
            decoded = try Self.decode(method: message.method, payload: payload)
        }
        self.init(
            method: message.method,
            msgID: message.msgID != 0 ? message.msgID : decoded.common.msgID,
            createTime: decoded.common.createTime,
            isHistory: message.isHistory,
            user: decoded.user,
            kind: decoded.kind
        )
    }

    /// What one payload decodes to before it becomes an event.
    private struct Decoded {
        var common: Webcast_CommonMessageData
        var user: EventUser?
        var kind: Kind
    }

    /// Unknown fields are dropped while decoding: the event keeps only what it names, and dropping is faster.
    private static let options: BinaryDecodingOptions = {
        var options = BinaryDecodingOptions()
        options.discardUnknownFields = true
        return options
    }()

    private static func parse<M: SwiftProtobuf.Message>(_ type: M.Type, _ payload: Data) throws -> M {
        try M(serializedBytes: payload, options: Self.options)
    }

    // The most frequent methods come first: a string switch compares in order.
    private static func decode(method: String, payload: Data) throws -> Decoded {
        switch method {
        case "WebcastLikeMessage":
            let like = try parse(Webcast_LikeMessage.self, payload)
            return Decoded(
                common: like.common, user: .init(like.user, if: like.hasUser), kind: .like(likes: like.count, totalLikes: like.total))
        case "WebcastChatMessage":
            let chat = try parse(Webcast_ChatEventFields.self, payload)
            return Decoded(common: chat.common, user: chat.hasUser ? .init(fields: chat.user) : nil, kind: .chat(comment: chat.content))
        case "WebcastMemberMessage":
            let member = try parse(Webcast_MemberMessage.self, payload)
            return Decoded(
                common: member.common, user: .init(member.user, if: member.hasUser), kind: .join(memberCount: member.memberCount))
        case "WebcastGiftMessage":
            let gift = try parse(Webcast_GiftMessage.self, payload)
            return Decoded(common: gift.common, user: .init(gift.user, if: gift.hasUser), kind: .gift(Gift(proto: gift)))
        case "WebcastRoomUserSeqMessage":
            let seq = try parse(Webcast_RoomUserSeqMessage.self, payload)
            return Decoded(common: seq.common, user: nil, kind: .viewers(current: seq.total, total: seq.totalUser))
        case "WebcastSocialMessage":
            let social = try parse(Webcast_SocialMessage.self, payload)
            let key = social.common.displayText.key
            let kind: Kind = key.contains("follow") ? .follow : key.contains("share") ? .share : .unknown(payload: [UInt8](payload))
            return Decoded(common: social.common, user: .init(social.user, if: social.hasUser), kind: kind)
        case "WebcastControlMessage":
            let control = try parse(Webcast_ControlMessage.self, payload)
            return Decoded(common: control.common, user: nil, kind: .control(action: control.action))
        case "WebcastEmoteChatMessage":
            let emote = try parse(Webcast_EmoteChatMessage.self, payload)
            return Decoded(
                common: emote.common, user: .init(emote.user, if: emote.hasUser), kind: .emoteChat(emoteIDs: emote.emoteList.map(\.emoteID))
            )
        case "WebcastQuestionNewMessage":
            let message = try parse(Webcast_QuestionNewMessage.self, payload)
            let question = message.question
            return Decoded(
                common: message.common, user: .init(question.user, if: question.hasUser),
                kind: .question(id: question.questionID, text: question.content)
            )
        case "WebcastRoomMessage", "RoomMessage", "WebcastSystemMessage", "WebcastBottomMessage":
            let room = try parse(Webcast_RoomMessage.self, payload)
            return Decoded(common: room.common, user: nil, kind: .room(text: room.content))
        case "WebcastLinkMicBattle":
            let battle = try parse(Webcast_LinkMicBattle.self, payload)
            return Decoded(common: battle.common, user: nil, kind: .micBattle(MicBattle(proto: battle)))
        case "WebcastLinkMicArmies":
            let armies = try parse(Webcast_LinkMicArmies.self, payload)
            return Decoded(common: armies.common, user: nil, kind: .battle(BattleScores(proto: armies)))
        case "WebcastInRoomBannerMessage":
            let banner = try parse(Webcast_InRoomBannerMessage.self, payload)
            return Decoded(common: banner.common, user: nil, kind: .roomBanner(json: Self.bannerJSON(banner.data)))
        case "WebcastLiveIntroMessage":
            let intro = try parse(Webcast_LiveIntroMessage.self, payload)
            return Decoded(
                common: intro.common, user: .init(intro.host, if: intro.hasHost), kind: .intro(roomID: intro.roomID, text: intro.content))
        case "WebcastRoomPinMessage":
            return Self.pin(try parse(Webcast_RoomPinMessage.self, payload))
        case "WebcastSubNotifyMessage":
            let sub = try parse(Webcast_SubNotifyMessage.self, payload)
            return Decoded(common: sub.common, user: .init(sub.user, if: sub.hasUser), kind: .subscription(months: sub.subMonth))
        case "WebcastImDeleteMessage":
            let delete = try parse(Webcast_ImDeleteMessage.self, payload)
            return Decoded(common: delete.common, user: nil, kind: .delete(messageIDs: delete.deleteMsgIds, userIDs: delete.deleteUserIds))
        case "WebcastLiveGameIntroMessage":
            let game = try parse(Webcast_LiveGameIntroMessage.self, payload)
            return Decoded(common: game.common, user: nil, kind: .gameIntro(text: Self.render(game.content)))
        case "WebcastEnvelopeMessage":
            return Self.envelope(try parse(Webcast_EnvelopeMessage.self, payload))
        case "WebcastGoalUpdateMessage":
            return Self.goal(try parse(Webcast_GoalUpdateMessage.self, payload))
        case "WebcastPollMessage":
            let poll = try parse(Webcast_PollMessage.self, payload)
            return Decoded(common: poll.common, user: nil, kind: .poll(Poll(proto: poll)))
        case "WebcastCaptionMessage":
            let caption = try parse(Webcast_CaptionMessage.self, payload)
            let lines = caption.content.map { CaptionLine(language: $0.lang, text: $0.content) }
            let value = Caption(startTime: caption.timestampMs, durationMs: caption.durationMs, lines: lines, isFinal: caption.definite)
            return Decoded(common: caption.common, user: nil, kind: .caption(value))
        default:
            return Self.unknown(payload)
        }
    }

    /// Every event starts with the common header; read it if it is there, but never fail on it.
    private static func unknown(_ payload: Data) -> Decoded {
        let common = (try? parse(Webcast_EventHeader.self, payload).common) ?? Webcast_CommonMessageData()
        return Decoded(common: common, user: nil, kind: .unknown(payload: [UInt8](payload)))
    }

    private static func pin(_ pin: Webcast_RoomPinMessage) -> Decoded {
        let pinned: (common: Webcast_CommonMessageData, user: EventUser?, text: String)
        if pin.hasChatMessage {
            pinned = (pin.chatMessage.common, .init(pin.chatMessage.user, if: pin.chatMessage.hasUser), pin.chatMessage.content)
        } else if pin.hasGiftMessage {
            pinned = (pin.giftMessage.common, .init(pin.giftMessage.user, if: pin.giftMessage.hasUser), "")
        } else if pin.hasSocialMessage {
            pinned = (pin.socialMessage.common, .init(pin.socialMessage.user, if: pin.socialMessage.hasUser), "")
        } else if pin.hasMemberMessage {
            pinned = (pin.memberMessage.common, .init(pin.memberMessage.user, if: pin.memberMessage.hasUser), "")
        } else if pin.hasLikeMessage {
            pinned = (pin.likeMessage.common, .init(pin.likeMessage.user, if: pin.likeMessage.hasUser), "")
        } else {
            pinned = (Webcast_CommonMessageData(), nil, "")
        }
        let value = PinnedMessage(
            text: pinned.text, pinnedMethod: pin.method.isEmpty ? pinned.common.method : pin.method,
            pinnedMsgID: pinned.common.msgID, action: pin.action, pinTime: pin.pinTime
        )
        return Decoded(common: pin.common, user: pinned.user ?? .init(pin.operator, if: pin.hasOperator), kind: .pin(value))
    }

    private static func envelope(_ envelope: Webcast_EnvelopeMessage) -> Decoded {
        let info = envelope.envelopeInfo
        let sender = info.sendUserID.isEmpty ? nil : EventUser(id: info.sendUserID, uniqueID: "", nickname: info.sendUserName)
        let value = Envelope(
            envelopeID: info.envelopeID, diamondCount: info.diamondCount, peopleCount: info.peopleCount, display: envelope.display
        )
        return Decoded(common: envelope.common, user: sender, kind: .envelope(value))
    }

    private static func goal(_ update: Webcast_GoalUpdateMessage) -> Decoded {
        let goal = update.goal
        let subGoals = goal.subGoals.map { SubGoal(giftName: $0.gift.name, progress: $0.progress, target: $0.target) }
        let value = Goal(
            goalID: goal.id != 0 ? goal.id : Int64(goal.idStr) ?? 0, description: goal.description_p, subGoals: subGoals,
            contributeCount: update.contributeCount
        )
        var contributor: EventUser?
        if update.contributorID != 0 || !update.contributorIDStr.isEmpty {
            let id = update.contributorIDStr.isEmpty ? String(update.contributorID) : update.contributorIDStr
            contributor = EventUser(id: id, uniqueID: update.contributorDisplayID, nickname: "")
        }
        return Decoded(common: update.common, user: contributor, kind: .goal(value))
    }

    /// The banner's data as JSON text: TikTok's JSON string as sent, or the v3 map's entries as a JSON object.
    static func bannerJSON(_ entries: [Data]) -> String {
        if entries.count == 1, let first = entries[0].first(where: { $0 > 0x20 }), first == UInt8(ascii: "{") || first == UInt8(ascii: "[")
        {
            return String(decoding: entries[0], as: UTF8.self)
        }
        let pairs = entries.compactMap { try? parse(Webcast_StringPair.self, $0) }
        if !entries.isEmpty && pairs.count == entries.count && pairs.allSatisfy({ !$0.key.isEmpty }) {
            return JSONValue.object(pairs.map { ($0.key, .string($0.value)) }).serialized()
        }
        return entries.map { String(decoding: $0, as: UTF8.self) }.joined()
    }

    /// Fills a text template such as `{0:user} is playing {1:string}` from its pieces (a user piece gives the
    /// nickname). Without a template, the pieces' strings are joined.
    static func render(_ text: Webcast_RichText) -> String {
        func piece(_ index: Int) -> String {
            guard text.pieces.indices.contains(index) else { return "" }
            let piece = text.pieces[index]
            guard piece.hasUserValue else { return piece.stringValue }
            let user = piece.userValue.user
            return user.nickname.isEmpty ? user.displayID : user.nickname
        }
        guard !text.defaultPattern.isEmpty else { return text.pieces.indices.map(piece).joined() }
        var output = ""
        var rest = Substring(text.defaultPattern)
        while let open = rest.firstIndex(of: "{") {
            output += rest[..<open]
            guard let close = rest[open...].firstIndex(of: "}") else { break }
            let placeholder = rest[rest.index(after: open)..<close]
            if let index = Int(placeholder.prefix { $0 != ":" }) {
                output += piece(index)
            } else {
                output += rest[open...close]
            }
            rest = rest[rest.index(after: close)...]
        }
        return output + rest
    }
}

extension LiveEvent.Gift {
    init(proto gift: Webcast_GiftMessage) {
        self.init(
            giftID: gift.giftID != 0 ? gift.giftID : gift.gift.id, giftName: gift.gift.name, giftType: gift.gift.type,
            diamondCount: gift.gift.diamondCount, repeatCount: gift.repeatCount, repeatEnd: gift.repeatEnd == 1, groupID: gift.groupID
        )
    }
}

extension LiveEvent.MicBattle {
    init(proto battle: Webcast_LinkMicBattle) {
        var armyScores: [Int64: Int64] = [:]
        for army in battle.armies { armyScores[army.userID] = army.userArmies.hostScore }
        var hosts: [LiveEvent.BattleHost] = []
        var seen: Set<Int64> = []
        for wrapper in battle.anchorInfo {
            let info = wrapper.userInfo.user
            let id = wrapper.userID != 0 ? wrapper.userID : info.userID
            seen.insert(id)
            let score = battle.battleResult[id]?.score ?? armyScores[id]
            hosts.append(.init(id: String(id), uniqueID: info.displayID, nickname: info.nickName, score: score))
        }
        for id in Set(battle.battleResult.keys).union(armyScores.keys).subtracting(seen).sorted() {
            hosts.append(.init(id: String(id), uniqueID: "", nickname: "", score: battle.battleResult[id]?.score ?? armyScores[id]))
        }
        let battleID = battle.battleID != 0 ? battle.battleID : battle.battleSetting.battleID
        self.init(battleID: battleID, action: battle.action, status: battle.battleSetting.status, hosts: hosts)
    }
}

extension LiveEvent.BattleScores {
    init(proto armies: Webcast_LinkMicArmies) {
        let hosts = armies.armies.sorted { $0.key < $1.key }.map { LiveEvent.HostScore(hostID: String($0.key), score: $0.value.hostScore) }
        let battleID = armies.battleID != 0 ? armies.battleID : armies.battleSettings.battleID
        self.init(battleID: battleID, status: armies.triggerReason, hosts: hosts)
    }
}

extension LiveEvent.Poll {
    init(proto poll: Webcast_PollMessage) {
        let phase: Phase
        var title = poll.pollBasicInfo.title
        let options: [Webcast_PollOptionInfo]
        if poll.hasStartContent {
            (phase, options) = (.start, poll.startContent.optionList)
            if !poll.startContent.title.isEmpty { title = poll.startContent.title }
        } else if poll.hasEndContent {
            (phase, options) = (.end, poll.endContent.optionList)
        } else if poll.hasUpdateContent {
            (phase, options) = (.update, poll.updateContent.optionList)
        } else {
            (phase, options) = (.unknown, [])
        }
        let pollID = poll.pollID != 0 ? poll.pollID : Int64(poll.pollBasicInfo.pollIDStr) ?? 0
        self.init(pollID: pollID, phase: phase, title: title, options: options.map { .init(text: $0.displayContent, votes: $0.votes) })
    }
}

extension EventUser {
    init(proto: Webcast_User) {
        self.init(
            id: proto.idStr.isEmpty ? String(proto.id) : proto.idStr,
            uniqueID: proto.displayID,
            nickname: proto.nickname
        )
    }

    init(fields: Webcast_EventUserFields) {
        self.init(id: fields.idStr.isEmpty ? String(fields.id) : fields.idStr, uniqueID: fields.displayID, nickname: fields.nickname)
    }

    /// The user, when the message has one.
    init?(_ proto: Webcast_User, if present: Bool) {
        guard present else { return nil }
        self.init(proto: proto)
    }
}
