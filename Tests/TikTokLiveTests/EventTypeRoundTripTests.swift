import Foundation
import SwiftProtobuf
import Testing

@testable import TikTokLive

/// Every event type, built with the generated message types as TikTok would send it, serialised, decoded through
/// `LiveEvent(message:)`, and written in the documented JSON schema.
@Suite struct EventTypeRoundTripTests {
    static let viewer: Webcast_User = {
        var user = Webcast_User()
        user.id = 7_100_000_000_000_000_001
        user.idStr = "7100000000000000001"
        user.displayID = "viewer_one"
        user.nickname = "Viewer One"
        return user
    }()
    static let viewerJSON: [String: String] = ["id": "7100000000000000001", "uniqueId": "viewer_one", "nickname": "Viewer One"]

    static func common(_ method: String, msgID: Int64 = 7_400_000_000_000_000_001) -> Webcast_CommonMessageData {
        var common = Webcast_CommonMessageData()
        common.method = method
        common.msgID = msgID
        common.createTime = 1_700_000_000_123
        return common
    }

    /// Serialises `message`, decodes it as `method`, and returns the event and its JSON object.
    func roundTrip(_ method: String, _ message: some SwiftProtobuf.Message, experimental: Bool = true) throws -> (LiveEvent, [String: Any])
    {
        var base = Webcast_BaseProtoMessage()
        base.method = method
        base.payload = try message.serializedBytes()
        let event = try LiveEvent(message: base, experimental: experimental)
        let line = JSONValue.object(event.jsonFields).serialized()
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["type"] as? String == event.type)
        #expect(object["method"] as? String == method)
        #expect(object["msgId"] as? String == String(event.msgID))
        #expect((object["createTime"] as? NSNumber)?.int64Value == event.createTime)
        return (event, object)
    }

    func expectViewer(_ event: LiveEvent, _ object: [String: Any]) {
        #expect(event.user == EventUser(id: "7100000000000000001", uniqueID: "viewer_one", nickname: "Viewer One"))
        #expect(object["user"] as? [String: String] == Self.viewerJSON)
    }

    // MARK: - The original types

    @Test func chat() throws {
        var chat = Webcast_ChatMessage()
        chat.common = Self.common("WebcastChatMessage")
        chat.user = Self.viewer
        chat.content = "hi 👋"
        let (event, json) = try self.roundTrip("WebcastChatMessage", chat)
        #expect(event.kind == .chat(comment: "hi 👋"))
        #expect(json["comment"] as? String == "hi 👋")
        #expect(event.msgID == 7_400_000_000_000_000_001)
        #expect(event.createTime == 1_700_000_000_123)
        self.expectViewer(event, json)
    }

    @Test func gift() throws {
        var gift = Webcast_GiftMessage()
        gift.common = Self.common("WebcastGiftMessage")
        gift.user = Self.viewer
        gift.giftID = 5655
        gift.repeatCount = 7
        gift.repeatEnd = 1
        gift.groupID = 1_692_725_773_860
        gift.gift.name = "Rose"
        gift.gift.type = 1
        gift.gift.diamondCount = 1
        let (event, json) = try self.roundTrip("WebcastGiftMessage", gift)
        #expect(
            event.kind
                == .gift(
                    .init(
                        giftID: 5655, giftName: "Rose", giftType: 1, diamondCount: 1, repeatCount: 7, repeatEnd: true,
                        groupID: 1_692_725_773_860))
        )
        #expect((json["giftId"] as? NSNumber)?.int64Value == 5655)
        #expect(json["giftName"] as? String == "Rose")
        #expect((json["giftType"] as? NSNumber)?.int64Value == 1)
        #expect((json["diamondCount"] as? NSNumber)?.int64Value == 1)
        #expect((json["repeatCount"] as? NSNumber)?.int64Value == 7)
        #expect(json["repeatEnd"] as? Bool == true)
        #expect(json["groupId"] as? String == "1692725773860")
        #expect(json["streak"] as? String == "ended")
        #expect(json["countedDiamonds"] is NSNull, "not counted until a GiftStreakTracker has seen it")
        self.expectViewer(event, json)
    }

    @Test func likeJoinViewersControl() throws {
        var like = Webcast_LikeMessage()
        like.common = Self.common("WebcastLikeMessage")
        like.user = Self.viewer
        like.count = 15
        like.total = 12_345
        let (likeEvent, likeJSON) = try self.roundTrip("WebcastLikeMessage", like)
        #expect(likeEvent.kind == .like(likes: 15, totalLikes: 12_345))
        #expect((likeJSON["likes"] as? NSNumber)?.int64Value == 15)
        #expect((likeJSON["totalLikes"] as? NSNumber)?.int64Value == 12_345)

        var member = Webcast_MemberMessage()
        member.common = Self.common("WebcastMemberMessage")
        member.user = Self.viewer
        member.memberCount = 774
        member.action = 1
        let (joinEvent, joinJSON) = try self.roundTrip("WebcastMemberMessage", member)
        #expect(joinEvent.kind == .join(memberCount: 774))
        #expect((joinJSON["memberCount"] as? NSNumber)?.int64Value == 774)

        var seq = Webcast_RoomUserSeqMessage()
        seq.common = Self.common("WebcastRoomUserSeqMessage")
        seq.total = 812
        seq.totalUser = 5_000
        let (seqEvent, seqJSON) = try self.roundTrip("WebcastRoomUserSeqMessage", seq)
        #expect(seqEvent.kind == .viewers(current: 812, total: 5_000))
        #expect((seqJSON["viewers"] as? NSNumber)?.int64Value == 812)
        #expect((seqJSON["totalViewers"] as? NSNumber)?.int64Value == 5_000)

        var control = Webcast_ControlMessage()
        control.common = Self.common("WebcastControlMessage")
        control.action = 3
        let (controlEvent, controlJSON) = try self.roundTrip("WebcastControlMessage", control)
        #expect(controlEvent.isStreamEnd)
        #expect((controlJSON["action"] as? NSNumber)?.int64Value == 3)
    }

    @Test func followAndShareAreToldApartByTheDisplayTextKey() throws {
        var social = Webcast_SocialMessage()
        social.common = Self.common("WebcastSocialMessage")
        social.user = Self.viewer
        social.common.displayText.key = "pm_main_follow_message_viewer_2"
        #expect(try self.roundTrip("WebcastSocialMessage", social).0.kind == .follow)
        social.common.displayText.key = "pm_mt_guidance_viewer_10_share"
        let (share, json) = try self.roundTrip("WebcastSocialMessage", social)
        #expect(share.kind == .share)
        #expect(json["type"] as? String == "share")
    }

    // MARK: - Types added for the seed library's full event set

    @Test func question() throws {
        var question = Webcast_QuestionNewMessage()
        question.common = Self.common("WebcastQuestionNewMessage")
        question.question.questionID = 7_300_000_000_000_000_042
        question.question.content = "what camera do you use?"
        question.question.user = Self.viewer
        let (event, json) = try self.roundTrip("WebcastQuestionNewMessage", question)
        #expect(event.kind == .question(id: 7_300_000_000_000_000_042, text: "what camera do you use?"))
        #expect(json["questionId"] as? String == "7300000000000000042")
        #expect(json["text"] as? String == "what camera do you use?")
        self.expectViewer(event, json)
    }

    @Test(arguments: ["WebcastRoomMessage", "RoomMessage", "WebcastSystemMessage", "WebcastBottomMessage"])
    func roomAndSystemText(method: String) throws {
        var room = Webcast_RoomMessage()
        room.common = Self.common(method)
        room.content = "Welcome to TIKTOK LIVE! Have fun."
        let (event, json) = try self.roundTrip(method, room)
        #expect(event.kind == .room(text: "Welcome to TIKTOK LIVE! Have fun."))
        #expect(json["type"] as? String == "room")
        #expect(json["text"] as? String == "Welcome to TIKTOK LIVE! Have fun.")
    }

    @Test func micBattleCarriesHostsAndTheirScores() throws {
        var battle = Webcast_LinkMicBattle()
        battle.common = Self.common("WebcastLinkMicBattle")
        battle.battleID = 7_300_000_000_000_000_500
        battle.action = 5
        battle.battleSetting.status = 2
        for (id, handle, name) in [(Int64(11), "host_a", "Host A"), (22, "host_b", "Host B")] {
            var wrapper = Webcast_BattleUserInfoWrapper()
            wrapper.userID = id
            wrapper.userInfo.user.userID = id
            wrapper.userInfo.user.displayID = handle
            wrapper.userInfo.user.nickName = name
            battle.anchorInfo.append(wrapper)
        }
        var result = Webcast_BattleResult()
        result.userID = 11
        result.score = 4_000_000_000
        battle.battleResult[11] = result
        var army = Webcast_UserArmiesWrapper()
        army.userID = 22
        army.userArmies.hostScore = 900
        battle.armies = [army]
        let (event, json) = try self.roundTrip("WebcastLinkMicBattle", battle)
        let expected = LiveEvent.MicBattle(
            battleID: 7_300_000_000_000_000_500, action: 5, status: 2,
            hosts: [
                .init(id: "11", uniqueID: "host_a", nickname: "Host A", score: 4_000_000_000),
                .init(id: "22", uniqueID: "host_b", nickname: "Host B", score: 900),
            ]
        )
        #expect(event.kind == .micBattle(expected))
        #expect(json["type"] as? String == "micBattle")
        #expect(json["battleId"] as? String == "7300000000000000500")
        #expect((json["action"] as? NSNumber)?.int64Value == 5)
        #expect((json["status"] as? NSNumber)?.int64Value == 2)
        let hosts = try #require(json["hosts"] as? [[String: Any]])
        #expect(hosts.map { $0["uniqueId"] as? String } == ["host_a", "host_b"])
        #expect(hosts.map { ($0["score"] as? NSNumber)?.int64Value } == [4_000_000_000, 900])
    }

    @Test func armiesGivePerHostTotals() throws {
        var armies = Webcast_LinkMicArmies()
        armies.common = Self.common("WebcastLinkMicArmies")
        armies.battleID = 7_300_000_000_000_000_500
        armies.triggerReason = 1
        var first = Webcast_BattleUserArmies()
        first.hostScore = 1_250
        var second = Webcast_BattleUserArmies()
        second.hostScore = 3_000
        armies.armies = [22: second, 11: first]
        let (event, json) = try self.roundTrip("WebcastLinkMicArmies", armies)
        #expect(
            event.kind
                == .battle(
                    .init(
                        battleID: 7_300_000_000_000_000_500, status: 1,
                        hosts: [.init(hostID: "11", score: 1_250), .init(hostID: "22", score: 3_000)]))
        )
        #expect(json["type"] as? String == "battle")
        let hosts = try #require(json["hosts"] as? [[String: Any]])
        #expect(hosts.map { $0["id"] as? String } == ["11", "22"])
        #expect(hosts.map { ($0["score"] as? NSNumber)?.int64Value } == [1_250, 3_000])
    }

    @Test func roomBannerKeepsJSONTextOrBuildsItFromMapEntries() throws {
        var banner = Webcast_InRoomBannerMessage()
        banner.common = Self.common("WebcastInRoomBannerMessage")
        banner.data = [Data(#"{"banner":{"title":"Weekly ranking"}}"#.utf8)]
        let (event, json) = try self.roundTrip("WebcastInRoomBannerMessage", banner)
        #expect(event.kind == .roomBanner(json: #"{"banner":{"title":"Weekly ranking"}}"#))
        #expect(json["json"] as? String == #"{"banner":{"title":"Weekly ranking"}}"#)

        // The v3 schema's map<string, string> form: one entry per key.
        banner.data = try [("title", "Weekly ranking"), ("rank", "3")].map { key, value in
            var pair = Webcast_StringPair()
            pair.key = key
            pair.value = value
            return try pair.serializedBytes()
        }
        let (mapEvent, _) = try self.roundTrip("WebcastInRoomBannerMessage", banner)
        #expect(mapEvent.kind == .roomBanner(json: #"{"title":"Weekly ranking","rank":"3"}"#))
    }

    @Test func introNamesTheHost() throws {
        var intro = Webcast_LiveIntroMessage()
        intro.common = Self.common("WebcastLiveIntroMessage")
        intro.roomID = 7_300_000_000_000_000_001
        intro.content = "Painting until midnight"
        intro.host = Self.viewer
        let (event, json) = try self.roundTrip("WebcastLiveIntroMessage", intro)
        #expect(event.kind == .intro(roomID: 7_300_000_000_000_000_001, text: "Painting until midnight"))
        #expect(json["roomId"] as? String == "7300000000000000001")
        #expect(json["text"] as? String == "Painting until midnight")
        self.expectViewer(event, json)
    }

    @Test func pinnedMessageCarriesTheCommentAndItsAuthor() throws {
        var pinned = Webcast_ChatMessage()
        pinned.common = Self.common("WebcastChatMessage", msgID: 7_400_000_000_000_000_999)
        pinned.user = Self.viewer
        pinned.content = "giveaway at 9pm!"
        var pin = Webcast_RoomPinMessage()
        pin.common = Self.common("WebcastRoomPinMessage")
        pin.chatMessage = pinned
        pin.method = "WebcastChatMessage"
        pin.pinTime = 1_700_000_000_999
        pin.action = 1
        let (event, json) = try self.roundTrip("WebcastRoomPinMessage", pin)
        #expect(
            event.kind
                == .pin(
                    .init(
                        text: "giveaway at 9pm!", pinnedMethod: "WebcastChatMessage", pinnedMsgID: 7_400_000_000_000_000_999, action: 1,
                        pinTime: 1_700_000_000_999))
        )
        #expect(json["text"] as? String == "giveaway at 9pm!")
        #expect(json["pinnedMethod"] as? String == "WebcastChatMessage")
        #expect(json["pinnedMsgId"] as? String == "7400000000000000999")
        #expect((json["pinTime"] as? NSNumber)?.int64Value == 1_700_000_000_999)
        self.expectViewer(event, json)
    }

    @Test func gameIntroFillsItsTemplate() throws {
        var game = Webcast_LiveGameIntroMessage()
        game.common = Self.common("WebcastLiveGameIntroMessage")
        game.content.key = "live_game_intro"
        game.content.defaultPattern = "{0:user} is playing {1:string}"
        var host = Webcast_TextPiece()
        host.userValue.user = Self.viewer
        var title = Webcast_TextPiece()
        title.stringValue = "Minecraft"
        game.content.pieces = [host, title]
        let (event, json) = try self.roundTrip("WebcastLiveGameIntroMessage", game)
        #expect(event.kind == .gameIntro(text: "Viewer One is playing Minecraft"))
        #expect(json["text"] as? String == "Viewer One is playing Minecraft")
    }

    @Test func emoteChat() throws {
        var emote = Webcast_EmoteChatMessage()
        emote.common = Self.common("WebcastEmoteChatMessage")
        emote.user = Self.viewer
        emote.emoteList = ["7107262000000000001", "7107262000000000002"].map {
            var model = Webcast_EmoteModel()
            model.emoteID = $0
            return model
        }
        let (event, json) = try self.roundTrip("WebcastEmoteChatMessage", emote)
        #expect(event.kind == .emoteChat(emoteIDs: ["7107262000000000001", "7107262000000000002"]))
        #expect(json["emoteIds"] as? [String] == ["7107262000000000001", "7107262000000000002"])
        self.expectViewer(event, json)
    }

    @Test func subscription() throws {
        var sub = Webcast_SubNotifyMessage()
        sub.common = Self.common("WebcastSubNotifyMessage")
        sub.user = Self.viewer
        sub.subMonth = 3
        let (event, json) = try self.roundTrip("WebcastSubNotifyMessage", sub)
        #expect(event.kind == .subscription(months: 3))
        #expect((json["months"] as? NSNumber)?.int64Value == 3)
        self.expectViewer(event, json)
    }

    @Test func deletion() throws {
        var delete = Webcast_ImDeleteMessage()
        delete.common = Self.common("WebcastImDeleteMessage")
        delete.deleteMsgIds = [7_400_000_000_000_000_005]
        delete.deleteUserIds = [7_100_000_000_000_000_001]
        let (event, json) = try self.roundTrip("WebcastImDeleteMessage", delete)
        #expect(event.kind == .delete(messageIDs: [7_400_000_000_000_000_005], userIDs: [7_100_000_000_000_000_001]))
        #expect(json["deletedMsgIds"] as? [String] == ["7400000000000000005"])
        #expect(json["deletedUserIds"] as? [String] == ["7100000000000000001"])
    }

    // MARK: - Experimental types

    @Test func envelope() throws {
        var envelope = Webcast_EnvelopeMessage()
        envelope.common = Self.common("WebcastEnvelopeMessage")
        envelope.envelopeInfo.envelopeID = "7082688182135589638"
        envelope.envelopeInfo.sendUserID = "7100000000000000001"
        envelope.envelopeInfo.sendUserName = "Viewer One"
        envelope.envelopeInfo.diamondCount = 100
        envelope.envelopeInfo.peopleCount = 10
        envelope.display = 1
        let (event, json) = try self.roundTrip("WebcastEnvelopeMessage", envelope)
        #expect(event.kind == .envelope(.init(envelopeID: "7082688182135589638", diamondCount: 100, peopleCount: 10, display: 1)))
        #expect(event.user == EventUser(id: "7100000000000000001", uniqueID: "", nickname: "Viewer One"))
        #expect(json["envelopeId"] as? String == "7082688182135589638")
        #expect((json["diamondCount"] as? NSNumber)?.int64Value == 100)
        #expect((json["peopleCount"] as? NSNumber)?.int64Value == 10)
        #expect((json["display"] as? NSNumber)?.int64Value == 1)
    }

    @Test func goal() throws {
        var update = Webcast_GoalUpdateMessage()
        update.common = Self.common("WebcastGoalUpdateMessage")
        update.goal.id = 7_300_000_000_000_000_077
        update.goal.description_p = "Roses for the new song"
        var sub = Webcast_GoalSubGoal()
        sub.gift.name = "Rose"
        sub.progress = 40
        sub.target = 100
        update.goal.subGoals = [sub]
        update.contributorID = 7_100_000_000_000_000_001
        update.contributorDisplayID = "viewer_one"
        update.contributeCount = 5
        let (event, json) = try self.roundTrip("WebcastGoalUpdateMessage", update)
        #expect(
            event.kind
                == .goal(
                    .init(
                        goalID: 7_300_000_000_000_000_077, description: "Roses for the new song",
                        subGoals: [.init(giftName: "Rose", progress: 40, target: 100)], contributeCount: 5))
        )
        #expect(event.user?.uniqueID == "viewer_one")
        #expect(json["goalId"] as? String == "7300000000000000077")
        #expect(json["description"] as? String == "Roses for the new song")
        let subGoals = try #require(json["subGoals"] as? [[String: Any]])
        #expect(subGoals.first?["giftName"] as? String == "Rose")
        #expect((subGoals.first?["progress"] as? NSNumber)?.int64Value == 40)
        #expect((subGoals.first?["target"] as? NSNumber)?.int64Value == 100)
    }

    @Test func pollPhases() throws {
        func option(_ text: String, _ votes: Int64) -> Webcast_PollOptionInfo {
            var option = Webcast_PollOptionInfo()
            option.displayContent = text
            option.votes = votes
            return option
        }
        var poll = Webcast_PollMessage()
        poll.common = Self.common("WebcastPollMessage")
        poll.pollID = 7_300_000_000_000_000_088
        poll.startContent.title = "Next game?"
        poll.startContent.optionList = [option("Chess", 0), option("Go", 0)]
        let (start, startJSON) = try self.roundTrip("WebcastPollMessage", poll)
        #expect(
            start.kind
                == .poll(
                    .init(
                        pollID: 7_300_000_000_000_000_088, phase: .start, title: "Next game?",
                        options: [.init(text: "Chess", votes: 0), .init(text: "Go", votes: 0)]))
        )
        #expect(startJSON["pollId"] as? String == "7300000000000000088")
        #expect(startJSON["phase"] as? String == "start")
        #expect(startJSON["title"] as? String == "Next game?")

        poll.clearStartContent()
        poll.updateContent.optionList = [option("Chess", 12), option("Go", 30)]
        let (update, updateJSON) = try self.roundTrip("WebcastPollMessage", poll)
        guard case .poll(let updated) = update.kind else { throw EventTypeMismatch(event: update) }
        #expect(updated.phase == .update)
        #expect(updated.options.map(\.votes) == [12, 30])
        let options = try #require(updateJSON["options"] as? [[String: Any]])
        #expect(options.map { $0["text"] as? String } == ["Chess", "Go"])
        #expect(options.map { ($0["votes"] as? NSNumber)?.int64Value } == [12, 30])

        poll.clearUpdateContent()
        poll.endContent.optionList = [option("Chess", 20), option("Go", 31)]
        guard case .poll(let ended) = try self.roundTrip("WebcastPollMessage", poll).0.kind else { throw EventTypeMismatch(event: update) }
        #expect(ended.phase == .end)
        #expect(ended.options.map(\.votes) == [20, 31])
    }

    @Test func caption() throws {
        var caption = Webcast_CaptionMessage()
        caption.common = Self.common("WebcastCaptionMessage")
        caption.timestampMs = 1_700_000_000_500
        caption.durationMs = 2_400
        var english = Webcast_CaptionContent()
        english.lang = "en"
        english.content = "thanks for the roses"
        caption.content = [english]
        caption.definite = true
        let (event, json) = try self.roundTrip("WebcastCaptionMessage", caption)
        #expect(
            event.kind
                == .caption(
                    .init(
                        startTime: 1_700_000_000_500, durationMs: 2_400, lines: [.init(language: "en", text: "thanks for the roses")],
                        isFinal: true))
        )
        #expect((json["startTime"] as? NSNumber)?.int64Value == 1_700_000_000_500)
        #expect((json["durationMs"] as? NSNumber)?.int64Value == 2_400)
        #expect(json["isFinal"] as? Bool == true)
        let lines = try #require(json["lines"] as? [[String: String]])
        #expect(lines == [["language": "en", "text": "thanks for the roses"]])
    }

    @Test func experimentalTypesArriveAsUnknownWhenTurnedOff() throws {
        var poll = Webcast_PollMessage()
        poll.common = Self.common("WebcastPollMessage")
        poll.pollID = 1
        let payload: [UInt8] = try poll.serializedBytes()
        let (event, json) = try self.roundTrip("WebcastPollMessage", poll, experimental: false)
        #expect(event.kind == .unknown(payload: payload))
        #expect(event.msgID == 7_400_000_000_000_000_001, "the common header is still read")
        #expect(json["payload"] as? String == Data(payload).base64EncodedString())

        // Types two libraries document stay typed.
        var sub = Webcast_SubNotifyMessage()
        sub.common = Self.common("WebcastSubNotifyMessage")
        sub.subMonth = 2
        #expect(try self.roundTrip("WebcastSubNotifyMessage", sub, experimental: false).0.kind == .subscription(months: 2))
    }

    @Test func everyTypeNameIsDistinct() {
        let kinds: [LiveEvent.Kind] = [
            .chat(comment: ""), .emoteChat(emoteIDs: []),
            .gift(.init(giftID: 0, giftName: "", giftType: 0, diamondCount: 0, repeatCount: 0, repeatEnd: false, groupID: 0)),
            .like(likes: 0, totalLikes: 0), .join(memberCount: 0), .follow, .share, .viewers(current: 0, total: 0),
            .question(id: 0, text: ""),
            .control(action: 0), .room(text: ""), .micBattle(.init(battleID: 0, action: 0, status: 0, hosts: [])),
            .battle(.init(battleID: 0, status: 0, hosts: [])), .roomBanner(json: ""), .intro(roomID: 0, text: ""),
            .pin(.init(text: "", pinnedMethod: "", pinnedMsgID: 0, action: 0, pinTime: 0)), .gameIntro(text: ""), .subscription(months: 0),
            .envelope(.init(envelopeID: "", diamondCount: 0, peopleCount: 0, display: 0)),
            .goal(.init(goalID: 0, description: "", subGoals: [], contributeCount: 0)),
            .poll(.init(pollID: 0, phase: .unknown, title: "", options: [])),
            .caption(.init(startTime: 0, durationMs: 0, lines: [], isFinal: false)),
            .delete(messageIDs: [], userIDs: []), .unknown(payload: []),
        ]
        let types = kinds.map { LiveEvent(method: "", msgID: 0, createTime: 0, isHistory: false, user: nil, kind: $0).type }
        #expect(Set(types).count == kinds.count)
        #expect(types.contains("micBattle") && types.contains("roomBanner") && types.contains("unknown"))
    }
}

/// A round trip produced a different event type than the test built.
struct EventTypeMismatch: Error, CustomStringConvertible {
    let event: LiveEvent
    var description: String { "unexpected event type \(event.type)" }
}
