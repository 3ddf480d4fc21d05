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

        // TikTok wrote this payload out of numeric order: it starts with field 18 (tag 0x92 0x01), then 19, then 1.
        #expect(Array(payload.prefix(2)) == [0x92, 0x01])

        let event = try self.event(payload, method: "WebcastChatMessage")
        #expect(event.type == "chat")
        #expect(event.kind == .chat(comment: ""))
        #expect(event.msgID == 7_270_204_318_916_594_464)
        #expect(event.createTime == 1_692_726_385_028)
        #expect(event.user == EventUser(id: "6919629632300958726", uniqueID: "almando29", nickname: "almando29"))
        let json = JSONValue.object(event.jsonFields).serialized()
        #expect(json.hasPrefix(#"{"type":"chat","method":"WebcastChatMessage","msgId":"7270204318916594464","createTime":1692726385028,"#))
        #expect(json.contains(#""user":{"id":"6919629632300958726","uniqueId":"almando29","nickname":"almando29"}"#))
        #expect(json.hasSuffix(#","comment":""}"#))
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
        #expect(
            details
                == .init(
                    giftID: 5655, giftName: "Rose", giftType: 1, diamondCount: 1, repeatCount: 1, repeatEnd: false,
                    groupID: 1_692_725_773_860)
        )
        #expect(details.streak == .inProgress)
        #expect(event.msgID == 7_270_201_542_891_817_761)
        #expect(event.createTime == 1_692_725_773_880)
        #expect(event.user?.uniqueID == "malowana_")
        #expect(event.user?.id == "6809568862012081157")

        // A real Rose frame with repeat_end absent is a streak in progress: not counted until its end (or a timeout).
        var tracker = GiftStreakTracker()
        let counted = tracker.process(event, at: .now)
        #expect(counted.count == 1)
        guard case .gift(let annotated) = counted[0].kind else { return }
        #expect(annotated.countedDiamonds == nil)
        let closed = tracker.finish()
        guard case .gift(let unconfirmed) = closed.first?.kind else {
            Issue.record("finish() must close the open Rose streak")
            return
        }
        #expect(unconfirmed.streak == .closedUnconfirmed)
        #expect(unconfirmed.countedDiamonds == 1)
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
        let event = try self.event(payload, method: "WebcastMemberMessage")
        #expect(event.kind == .join(memberCount: 774))
        #expect(event.msgID == 7_273_941_110_900_738_848)
        #expect(event.createTime == 1_693_596_391_780)
        #expect(event.user?.uniqueID == "emilkaforczek")
        #expect(JSONValue.object(event.jsonFields).serialized().hasSuffix(#","memberCount":774}"#))
    }

    @Test func misnamedLikeFixtureIsAnotherJoin() throws {
        let payload = try Fixtures.data(folder + "LikeMessage.pb")
        let member = try Webcast_MemberMessage(serializedBytes: payload)
        #expect(member.common.method == "WebcastMemberMessage")
        #expect(member.common.msgID == 7_270_196_813_217_958_699)
        #expect(member.common.createTime == 1_692_724_604_212)
        #expect(member.memberCount == 165)
        let event = try self.event(payload, method: "WebcastMemberMessage")
        #expect(event.kind == .join(memberCount: 165))
        #expect(event.msgID == 7_270_196_813_217_958_699)
        #expect(event.createTime == 1_692_724_604_212)
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
        let event = try self.event(payload, method: "WebcastSocialMessage")
        #expect(event.kind == .share)
        #expect(event.msgID == 7_270_211_734_014_528_288)
        #expect(event.createTime == 1_692_728_078_308)
        #expect(event.user?.uniqueID == ".zapisywane")
    }

    @Test func deleteMessageCarriesPackedUserIDs() throws {
        let payload = try Fixtures.data(folder + "MessageWebcastImDeleteMessage.pb")
        let delete = try Webcast_ImDeleteMessage(serializedBytes: payload)
        #expect(delete.common.method == "WebcastImDeleteMessage")
        #expect(delete.common.msgID == 7_270_208_754_506_189_573)
        #expect(delete.common.createTime == 1_692_727_384_244)
        #expect(!delete.deleteUserIds.isEmpty)
        let event = try self.event(payload, method: "WebcastImDeleteMessage")
        #expect(event.kind == .delete(messageIDs: [], userIDs: [7_223_833_453_145_474_054]))
        #expect(event.msgID == 7_270_208_754_506_189_573)
        #expect(event.createTime == 1_692_727_384_244)
    }

    @Test func base64CopiesMatchTheBinaryFixtures() throws {
        for name in ["MessageWebcastChatMessage", "MessageWebcastGiftMessage", "WebcastMemberMessage"] {
            let text = String(decoding: try Fixtures.data(folder + name + ".b64"), as: UTF8.self)
            let decoded = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines))
            #expect(decoded == (try Fixtures.data(folder + name + ".pb")), "\(name).b64 and .pb differ")
        }
    }

    /// The Davincible table: method, common.create_time (ms, empty where the message has none), base64 payload.
    func davincibleRows() throws -> [(method: String, createTime: Int64, payload: Data)] {
        let table = String(decoding: try Fixtures.data("davincible-gotiktoklive/examples.tsv"), as: UTF8.self)
        return try table.split(separator: "\n").dropFirst().map { line in
            let row = line.split(separator: "\t", omittingEmptySubsequences: false)
            let method = String(row[0])
            let payload = try #require(Data(base64Encoded: String(row[2])), "\(method): payload is not base64")
            return (method, Int64(row[1]) ?? 0, payload)
        }
    }

    @Test func everyDavincibleExampleDecodesItsCommonHeader() throws {
        let rows = try self.davincibleRows()
        #expect(rows.count == 15)
        for row in rows {
            let event = try self.event(row.payload, method: row.method)
            let header = try Webcast_EventHeader(serializedBytes: row.payload).common
            #expect(event.method == row.method)
            #expect(header.method == row.method, "\(row.method): field 1 is the common header")
            #expect(event.createTime == row.createTime, "\(row.method): create_time")
            #expect(event.msgID == header.msgID && event.msgID != 0, "\(row.method): msg_id")
            // Every example is a type this library either decodes into its own kind or keeps raw.
            let typed: Set<String> = ["WebcastEnvelopeMessage", "WebcastImDeleteMessage"]
            #expect((event.type == "unknown") != typed.contains(row.method), "\(row.method) decoded as \(event.type)")
        }
    }

    @Test func davincibleEnvelopeDecodesItsTypedFields() throws {
        let row = try #require(try self.davincibleRows().first { $0.method == "WebcastEnvelopeMessage" })
        let event = try self.event(row.payload, method: row.method)
        #expect(event.kind == .envelope(.init(envelopeID: "7082688182135589638", diamondCount: 0, peopleCount: 0, display: 2)))
        #expect(event.msgID == 7_082_703_136_385_059_589)
        #expect(event.createTime == 0, "this example has no create_time")
        // Envelopes are experimental: turned off, the same payload is kept raw.
        var message = Webcast_BaseProtoMessage()
        message.method = row.method
        message.payload = row.payload
        #expect(try LiveEvent(message: message, experimental: false).kind == .unknown(payload: [UInt8](row.payload)))
    }

    @Test func davincibleDeleteDecodesItsPackedUserIDs() throws {
        let row = try #require(try self.davincibleRows().first { $0.method == "WebcastImDeleteMessage" })
        let event = try self.event(row.payload, method: row.method)
        guard case .delete(let messageIDs, let userIDs) = event.kind else {
            Issue.record("expected a delete event, got \(event.type)")
            return
        }
        #expect(messageIDs.isEmpty)
        #expect(userIDs.count == 1)
        #expect(userIDs.allSatisfy { $0 > 1 << 53 }, "user ids are 64-bit and must not lose bits")
        #expect(event.createTime == 1_650_463_707_309)
    }
}
