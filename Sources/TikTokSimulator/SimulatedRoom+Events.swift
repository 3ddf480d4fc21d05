import Foundation
import SwiftProtobuf
import TikTokLive

// The events a room pushes to its viewers, one builder per message type (protocol.md §4).

extension SimulatedRoom {
    /// Pushes a chat message from `user`.
    func pushChat(_ comment: String, from user: Webcast_User) {
        var chat = Webcast_ChatMessage()
        chat.user = user
        chat.content = comment
        chat.contentLanguage = "en"
        self.push(method: "WebcastChatMessage", type: "chat", comment: comment) { common in
            chat.common = common
            return try chat.serializedBytes()
        }
    }

    /// Pushes one `WebcastGiftMessage` frame: `repeatCount` so far, `repeatEnd` when the streak ends.
    func pushGift(
        giftID: Int64, name: String, type: Int64, diamondCount: Int64, repeatCount: Int64, repeatEnd: Bool, groupID: Int64,
        from user: Webcast_User
    ) {
        var gift = Webcast_GiftMessage()
        gift.giftID = giftID
        gift.repeatCount = repeatCount
        gift.comboCount = repeatCount
        gift.repeatEnd = repeatEnd ? 1 : 0
        gift.groupID = groupID
        gift.user = user
        gift.sendType = repeatEnd ? 0 : 1
        gift.gift.id = giftID
        gift.gift.name = name
        gift.gift.type = type
        gift.gift.diamondCount = diamondCount
        self.push(method: "WebcastGiftMessage", type: "gift", comment: nil) { common in
            gift.common = common
            return try gift.serializedBytes()
        }
    }

    /// Pushes a batch of `count` likes from `user`, with the room's running `total`.
    func pushLike(count: Int64, total: Int64, from user: Webcast_User) {
        var like = Webcast_LikeMessage()
        like.count = count
        like.total = total
        like.user = user
        self.push(method: "WebcastLikeMessage", type: "like", comment: nil) { common in
            like.common = common
            return try like.serializedBytes()
        }
    }

    /// Pushes `user` joining the room (action 1), which now has `memberCount` members.
    func pushJoin(memberCount: Int64, from user: Webcast_User) {
        var member = Webcast_MemberMessage()
        member.user = user
        member.memberCount = memberCount
        member.action = 1
        self.push(method: "WebcastMemberMessage", type: "join", comment: nil) { common in
            var common = common
            common.displayText.key = "live_room_enter_toast"
            common.displayText.defaultPattern = "{0:user} joined"
            member.common = common
            return try member.serializedBytes()
        }
    }

    /// Pushes `user` following the host (`WebcastSocialMessage`, display key `pm_main_follow_message_viewer_2`).
    func pushFollow(followCount: Int64, from user: Webcast_User) {
        var social = Webcast_SocialMessage()
        social.user = user
        social.action = 1
        social.followCount = followCount
        self.push(method: "WebcastSocialMessage", type: "follow", comment: nil) { common in
            var common = common
            common.displayText.key = "pm_main_follow_message_viewer_2"
            common.displayText.defaultPattern = "{0:user} followed the LIVE creator"
            social.common = common
            return try social.serializedBytes()
        }
    }

    /// Pushes `user` sharing the live (`WebcastSocialMessage`, display key `pm_mt_guidance_share`).
    func pushShare(shareCount: Int64, from user: Webcast_User) {
        var social = Webcast_SocialMessage()
        social.user = user
        social.action = 3
        social.shareType = 1
        social.shareCount = shareCount
        self.push(method: "WebcastSocialMessage", type: "share", comment: nil) { common in
            var common = common
            common.displayText.key = "pm_mt_guidance_share"
            common.displayText.defaultPattern = "{0:user} shared the LIVE"
            social.common = common
            return try social.serializedBytes()
        }
    }

    /// Pushes the viewer count: `current` viewers now, `total` over the whole live.
    func pushViewers(current: Int64, total: Int64) {
        var seq = Webcast_RoomUserSeqMessage()
        seq.total = current
        seq.totalUser = total
        self.push(method: "WebcastRoomUserSeqMessage", type: "viewers", comment: nil) { common in
            seq.common = common
            return try seq.serializedBytes()
        }
    }

    /// Pushes a Q&A question `text` (id `questionID`) from `user`.
    func pushQuestion(id questionID: Int64, text: String, from user: Webcast_User) {
        var message = Webcast_QuestionNewMessage()
        message.question.questionID = questionID
        message.question.content = text
        message.question.user = user
        self.push(method: "WebcastQuestionNewMessage", type: "question", comment: nil) { common in
            message.question.createTime = common.createTime / 1000
            message.common = common
            return try message.serializedBytes()
        }
    }

    /// Pushes a battle change (`WebcastLinkMicBattle`): `action` (4 open, 5 finish), `status` (1 started, 2 finished)
    /// between `hosts`, with their scores once known.
    func pushMicBattle(
        battleID: Int64, action: Int64, status: Int64, hosts: [(user: Webcast_User, score: Int64?)]
    ) {
        var battle = Webcast_LinkMicBattle()
        battle.battleID = battleID
        battle.action = action
        battle.battleSetting.battleID = battleID
        battle.battleSetting.status = status
        battle.battleSetting.duration = 300
        for host in hosts {
            var wrapper = Webcast_BattleUserInfoWrapper()
            wrapper.userID = host.user.id
            wrapper.userInfo.user.userID = host.user.id
            wrapper.userInfo.user.nickName = host.user.nickname
            wrapper.userInfo.user.displayID = host.user.displayID
            battle.anchorInfo.append(wrapper)
            if let score = host.score {
                var result = Webcast_BattleResult()
                result.userID = host.user.id
                result.score = score
                battle.battleResult[host.user.id] = result
            }
        }
        self.push(method: "WebcastLinkMicBattle", type: "micBattle", comment: nil) { common in
            battle.battleSetting.startTimeMs = common.createTime
            battle.common = common
            return try battle.serializedBytes()
        }
    }

    /// Pushes the running scores of battle `battleID` (`WebcastLinkMicArmies`, trigger reason 1), per host id.
    func pushBattleScores(battleID: Int64, scores: [Int64: Int64]) {
        var armies = Webcast_LinkMicArmies()
        armies.battleID = battleID
        armies.triggerReason = 1
        armies.battleSettings.battleID = battleID
        armies.battleSettings.status = 1
        for (hostID, score) in scores {
            var army = Webcast_BattleUserArmies()
            army.hostScore = score
            army.anchorIDStr = String(hostID)
            armies.armies[hostID] = army
        }
        self.push(method: "WebcastLinkMicArmies", type: "battle", comment: nil) { common in
            armies.scoreUpdateTime = common.createTime
            armies.common = common
            return try armies.serializedBytes()
        }
    }

    /// Pins the room's last chat message (`action` 1 pins, 2 unpins), by `moderator`; nothing happens when there
    /// has been no chat yet.
    func pushPinLastChat(action: Int64, by moderator: Webcast_User) {
        guard let last = self.lastChatMessage, let chat = try? Webcast_ChatMessage(serializedBytes: last.payload) else { return }
        var pin = Webcast_RoomPinMessage()
        pin.chatMessage = chat
        pin.method = "WebcastChatMessage"
        pin.action = action
        pin.operator = moderator
        pin.displayDuration = 60
        self.push(method: "WebcastRoomPinMessage", type: "pin", comment: nil) { common in
            pin.pinTime = common.createTime
            pin.pinID = common.msgID
            pin.common = common
            return try pin.serializedBytes()
        }
    }

    /// Pushes a line of system text shown in the chat (`WebcastRoomMessage`).
    func pushRoomText(_ text: String) {
        var room = Webcast_RoomMessage()
        room.content = text
        self.push(method: "WebcastRoomMessage", type: "room", comment: nil) { common in
            room.common = common
            return try room.serializedBytes()
        }
    }

    /// Pushes the host's introduction of the live (`WebcastLiveIntroMessage`).
    func pushIntro(_ text: String, host: Webcast_User) {
        var intro = Webcast_LiveIntroMessage()
        intro.roomID = self.roomID
        intro.content = text
        intro.host = host
        intro.contentLanguage = "en"
        self.push(method: "WebcastLiveIntroMessage", type: "intro", comment: nil) { common in
            intro.common = common
            return try intro.serializedBytes()
        }
    }

    /// Pushes a message of a type clients do not know (`method`): a valid common header, then `extraBytes` of
    /// fields no client decodes. Clients should report it as `unknown` with its payload.
    func pushUnknown(method: String, extraBytes: [UInt8]) {
        self.push(method: method, type: "unknown", comment: nil) { common in
            var header = Webcast_EventHeader()
            header.common = common
            return try header.serializedBytes() + extraBytes
        }
    }
}
