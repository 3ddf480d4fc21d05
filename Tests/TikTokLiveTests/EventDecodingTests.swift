import Foundation
import SwiftProtobuf
import Testing

@testable import TikTokLive

/// Raw protobuf bytes written by hand, so a test controls field order, unknown fields and values exactly.
enum Wire {
    static func varint(_ value: UInt64) -> [UInt8] {
        var value = value
        var bytes: [UInt8] = []
        while value >= 0x80 {
            bytes.append(UInt8(value & 0x7F) | 0x80)
            value >>= 7
        }
        return bytes + [UInt8(value)]
    }

    static func field(_ number: Int, varint value: Int64) -> [UInt8] {
        varint(UInt64(number << 3)) + varint(UInt64(bitPattern: value))
    }

    static func field(_ number: Int, bytes: [UInt8]) -> [UInt8] {
        varint(UInt64(number << 3 | 2)) + varint(UInt64(bytes.count)) + bytes
    }

    static func field(_ number: Int, string: String) -> [UInt8] {
        field(number, bytes: Array(string.utf8))
    }

    /// Wraps `payload` in a `BaseProtoMessage` of `method` and decodes it the way the client does.
    static func event(_ method: String, _ payload: [UInt8], msgID: Int64 = 0, experimental: Bool = true) throws -> LiveEvent {
        var message = Webcast_BaseProtoMessage()
        message.method = method
        message.payload = Data(payload)
        message.msgID = msgID
        return try LiveEvent(message: message, experimental: experimental)
    }
}

/// The decoder copes with what TikTok really sends: fields in any order, fields nobody declared, integers wider than
/// some libraries assume, and broken payloads (which must fail for that one message only).
@Suite struct EventDecodingTests {
    @Test func fieldsInReverseOrderDecode() throws {
        // Every message, and every nested message, lists its highest field number first.
        let user =
            Wire.field(1028, string: "7100000000000000009") + Wire.field(38, string: "reverse_viewer") + Wire.field(3, string: "Reverse")
            + Wire.field(1, varint: 7_100_000_000_000_000_009)
        let common =
            Wire.field(4, varint: 1_700_000_000_456) + Wire.field(3, varint: 7_300_000_000_000_000_001)
            + Wire.field(2, varint: 7_400_000_000_000_000_077) + Wire.field(1, string: "WebcastChatMessage")
        let payload =
            Wire.field(19, bytes: Wire.field(2, varint: 5) + Wire.field(1, string: "default")) + Wire.field(3, string: "backwards but fine")
            + Wire.field(2, bytes: user) + Wire.field(1, bytes: common)

        let event = try Wire.event("WebcastChatMessage", payload)
        #expect(event.kind == .chat(comment: "backwards but fine"))
        #expect(event.msgID == 7_400_000_000_000_000_077)
        #expect(event.createTime == 1_700_000_000_456)
        #expect(event.user == EventUser(id: "7100000000000000009", uniqueID: "reverse_viewer", nickname: "Reverse"))
    }

    @Test func unknownFieldsAreSkippedAndWideIntegersKeepAllBits() throws {
        // Davincible and TikTok-Live-Connector declare repeat_count and the like counts int32; TikTok's wire allows more.
        let beyondInt32: Int64 = 5_000_000_123
        let gift =
            Wire.field(999, string: "a field nobody declared") + Wire.field(5, varint: beyondInt32) + Wire.field(2, varint: 5655)
            + Wire.field(
                15,
                bytes: Wire.field(12, varint: 1) + Wire.field(11, varint: 1) + Wire.field(77, varint: 3) + Wire.field(16, string: "Rose"))
            + Wire.field(9, varint: 1) + Wire.field(11, varint: 1_692_725_773_860) + Wire.field(4_000, bytes: [1, 2, 3])
        let event = try Wire.event("WebcastGiftMessage", gift, msgID: 1)
        guard case .gift(let details) = event.kind else {
            Issue.record("expected a gift, got \(event.type)")
            return
        }
        #expect(details.repeatCount == beyondInt32)
        #expect(details.giftName == "Rose")
        #expect(details.repeatEnd)
        #expect(details.groupID == 1_692_725_773_860)

        let like = Wire.field(3, varint: beyondInt32 * 2) + Wire.field(2, varint: beyondInt32) + Wire.field(55, varint: -1)
        #expect(try Wire.event("WebcastLikeMessage", like).kind == .like(likes: beyondInt32, totalLikes: beyondInt32 * 2))
        let join = Wire.field(3, varint: beyondInt32) + Wire.field(200, bytes: Array("skip me".utf8))
        #expect(try Wire.event("WebcastMemberMessage", join).kind == .join(memberCount: beyondInt32))
    }

    @Test func aMalformedPayloadOfAKnownMethodThrows() {
        let truncated = Array(Wire.field(1, bytes: Wire.field(1, string: "WebcastChatMessage")).dropLast(3))
        #expect(throws: (any Error).self) { try Wire.event("WebcastChatMessage", truncated) }
        let badLength: [UInt8] = [0x1A, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x41]
        #expect(throws: (any Error).self) { try Wire.event("WebcastGiftMessage", badLength) }
        let badWireType: [UInt8] = [0x0F, 0x01]  // field 1 with wire type 7, which does not exist
        #expect(throws: (any Error).self) { try Wire.event("WebcastLinkMicArmies", badWireType) }
    }

    @Test func garbageNeverCrashesTheDecoder() throws {
        let methods = [
            "WebcastChatMessage", "WebcastGiftMessage", "WebcastLikeMessage", "WebcastMemberMessage", "WebcastSocialMessage",
            "WebcastRoomUserSeqMessage", "WebcastControlMessage", "WebcastQuestionNewMessage", "WebcastRoomMessage",
            "WebcastLinkMicBattle", "WebcastLinkMicArmies", "WebcastInRoomBannerMessage", "WebcastLiveIntroMessage",
            "WebcastRoomPinMessage", "WebcastLiveGameIntroMessage", "WebcastEmoteChatMessage", "WebcastSubNotifyMessage",
            "WebcastEnvelopeMessage", "WebcastGoalUpdateMessage", "WebcastPollMessage", "WebcastCaptionMessage",
            "WebcastImDeleteMessage", "WebcastSomethingNew",
        ]
        // The same bytes every run (a linear congruential generator), so a failure can be reproduced.
        var state: UInt64 = 0x2545_F491_4F6C_DD1D
        func nextByte() -> UInt8 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(truncatingIfNeeded: state >> 56)
        }
        var failures = 0
        for method in methods {
            for length in [1, 7, 64, 300] {
                let bytes = (0..<length).map { _ in nextByte() }
                do { _ = try Wire.event(method, bytes) } catch { failures += 1 }
            }
        }
        // Such bytes are almost never a valid message; what matters is that each one returned or threw.
        #expect(failures > 0)
        // An unknown method never throws: its payload is kept, whatever it is.
        let kept = try Wire.event("WebcastSomethingNew", [0xFF, 0x00, 0x13])
        #expect(kept.kind == .unknown(payload: [0xFF, 0x00, 0x13]))
    }

    @Test func anUnknownMethodKeepsItsHeaderAndPayload() throws {
        let common = Wire.field(1, string: "WebcastBrandNewMessage") + Wire.field(2, varint: 42) + Wire.field(4, varint: 1_700_000_000_000)
        let payload = Wire.field(1, bytes: common) + Wire.field(2, string: "whatever it is")
        let event = try Wire.event("WebcastBrandNewMessage", payload)
        #expect(event.type == "unknown")
        #expect(event.msgID == 42)
        #expect(event.createTime == 1_700_000_000_000)
        #expect(event.kind == .unknown(payload: payload))
        let json = JSONValue.object(event.jsonFields).serialized()
        #expect(json.contains("\"payload\":\"\(Data(payload).base64EncodedString())\""))
    }

    @Test func theEnvelopeMessageIDWinsOverTheHeader() throws {
        let payload = Wire.field(1, bytes: Wire.field(2, varint: 11)) + Wire.field(2, varint: 3)
        #expect(try Wire.event("WebcastControlMessage", payload, msgID: 99).msgID == 99)
        #expect(try Wire.event("WebcastControlMessage", payload).msgID == 11)
    }

    @Test func historyReplaysAreMarked() throws {
        var message = Webcast_BaseProtoMessage()
        message.method = "WebcastChatMessage"
        message.payload = Data(Wire.field(3, string: "said before you came"))
        message.isHistory = true
        let event = try LiveEvent(message: message)
        #expect(event.isHistory)
        #expect(JSONValue.object(event.jsonFields).serialized().contains("\"isHistory\":true"))
    }
}
