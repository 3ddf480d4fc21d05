import Foundation
import SwiftProtobuf
import Testing

@testable import TikTokLive

/// Real captured payloads decode with the committed generated code into the values the fixtures' README lists.
@Suite(.enabled(if: Fixtures.shouldRun, Fixtures.skipMessage))
struct FixtureDecodingTests {
    let folder = "jwdeveloper-TikTokLiveJava/"

    /// Wraps an inner payload the way TikTok delivers it, and decodes it through the library's event path.
    func event(_ payload: Data, method: String) throws -> LiveEvent {
        var message = Webcast_BaseProtoMessage()
        message.method = method
        message.payload = payload
        return try LiveEvent(message: message)
    }

    @Test func emoteOnlyChatMessageDecodesWithUserAndNoText() throws {
        let payload = try Fixtures.data(folder + "MessageWebcastChatMessage.pb")
        let chat = try Webcast_ChatMessage(serializedBytes: payload)
        #expect(chat.common.method == "WebcastChatMessage")
        #expect(chat.common.msgID == 7_270_204_318_916_594_464)
        #expect(chat.common.createTime == 1_692_726_385_028)
        #expect(chat.content.isEmpty)
        #expect(!chat.emotes.isEmpty)
        #expect(chat.user.displayID == "almando29")
        #expect(chat.hasUserIdentity)
        #expect(!chat.commentQualityScores.isEmpty)

        let event = try self.event(payload, method: "WebcastChatMessage")
        #expect(event.type == "chat")
        #expect(event.msgID == 7_270_204_318_916_594_464)
        #expect(event.createTime == 1_692_726_385_028)
        #expect(event.user?.uniqueID == "almando29")
    }

    @Test func roseGiftDecodesStreakFields() throws {
        let payload = try Fixtures.data(folder + "MessageWebcastGiftMessage.pb")
        let gift = try Webcast_GiftMessage(serializedBytes: payload)
        #expect(gift.common.method == "WebcastGiftMessage")
        #expect(gift.common.msgID == 7_270_201_542_891_817_761)
        #expect(gift.common.createTime == 1_692_725_773_880)
        #expect(gift.giftID == 5655)
        #expect(gift.repeatCount == 1)
        #expect(gift.comboCount == 1)
        #expect(gift.groupID == 1_692_725_773_860)
        #expect(gift.repeatEnd == 0)
        #expect(gift.sendType == 1)
        #expect(gift.gift.type == 1)
        #expect(gift.gift.diamondCount == 1)
        #expect(gift.monitorInfo.toUserID != 0)

        let event = try self.event(payload, method: "WebcastGiftMessage")
        guard case .gift(let details) = event.kind else {
            Issue.record("expected a gift event, got \(event.type)")
            return
        }
        #expect(details.giftID == 5655)
        #expect(details.repeatEnd == false)
        #expect(details.giftType == 1)
    }

    @Test func joinMessageDecodesMemberCount() throws {
        let payload = try Fixtures.data(folder + "WebcastMemberMessage.pb")
        let member = try Webcast_MemberMessage(serializedBytes: payload)
        #expect(member.common.method == "WebcastMemberMessage")
        #expect(member.common.msgID == 7_273_941_110_900_738_848)
        #expect(member.common.createTime == 1_693_596_391_780)
        #expect(member.action == 1)
        #expect(member.memberCount == 774)
        #expect(member.common.displayText.key == "live_room_enter_toast")
        #expect(try self.event(payload, method: "WebcastMemberMessage").kind == .join(memberCount: 774))
    }

    @Test func misnamedLikeFixtureIsAnotherJoin() throws {
        let payload = try Fixtures.data(folder + "LikeMessage.pb")
        let member = try Webcast_MemberMessage(serializedBytes: payload)
        #expect(member.common.method == "WebcastMemberMessage")
        #expect(member.common.msgID == 7_270_196_813_217_958_699)
        #expect(member.common.createTime == 1_692_724_604_212)
        #expect(member.memberCount == 165)
    }

    @Test func shareMessageIsClassifiedByDisplayTextKey() throws {
        let payload = try Fixtures.data(folder + "MessageWebcastSocialMessage.pb")
        let social = try Webcast_SocialMessage(serializedBytes: payload)
        #expect(social.common.method == "WebcastSocialMessage")
        #expect(social.common.msgID == 7_270_211_734_014_528_288)
        #expect(social.common.createTime == 1_692_728_078_308)
        #expect(social.common.displayText.key == "pm_mt_guidance_viewer_10_share")
        #expect(social.shareType == 1)
        #expect(social.action == 3)
        #expect(social.shareCount == 25)
        #expect(try self.event(payload, method: "WebcastSocialMessage").kind == .share)
    }

    @Test func deleteMessageCarriesPackedUserIDs() throws {
        let payload = try Fixtures.data(folder + "MessageWebcastImDeleteMessage.pb")
        let delete = try Webcast_ImDeleteMessage(serializedBytes: payload)
        #expect(delete.common.method == "WebcastImDeleteMessage")
        #expect(delete.common.msgID == 7_270_208_754_506_189_573)
        #expect(delete.common.createTime == 1_692_727_384_244)
        #expect(!delete.deleteUserIds.isEmpty)
    }

    @Test func base64CopiesMatchTheBinaryFixtures() throws {
        for name in ["MessageWebcastChatMessage", "MessageWebcastGiftMessage", "WebcastMemberMessage"] {
            let text = String(decoding: try Fixtures.data(folder + name + ".b64"), as: UTF8.self)
            let decoded = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines))
            #expect(decoded == (try Fixtures.data(folder + name + ".pb")), "\(name).b64 and .pb differ")
        }
    }

    @Test func everyDavincibleExampleDecodesItsCommonHeader() throws {
        let table = String(decoding: try Fixtures.data("davincible-gotiktoklive/examples.tsv"), as: UTF8.self)
        let rows = table.split(separator: "\n").dropFirst().map { $0.split(separator: "\t", omittingEmptySubsequences: false) }
        #expect(rows.count == 15)
        for row in rows {
            let method = String(row[0])
            let payload = try #require(Data(base64Encoded: String(row[2])), "\(method): payload is not base64")
            let event = try self.event(payload, method: method)
            #expect(event.method == method)
            #expect(event.createTime == Int64(row[1]) ?? 0, "\(method): create_time")
        }
    }
}
