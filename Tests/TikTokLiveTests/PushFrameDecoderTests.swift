import Foundation
import SwiftProtobuf
import Testing
import TikTokLive

/// The public push-frame decoder on frames built around real captured payloads: events in order with their ids,
/// gunzip by header or by magic, acks, and skipped (never fatal) bad payloads.
@Suite(.enabled(if: Fixtures.shouldRun, Fixtures.skipMessage))
struct PushFrameDecoderTests {
    static let chatID: Int64 = 7_270_204_318_916_594_464
    static let memberID: Int64 = 7_273_941_110_900_738_848

    static func message(_ method: String, _ file: String) throws -> Webcast_BaseProtoMessage {
        var message = Webcast_BaseProtoMessage()
        message.method = method
        message.payload = try Fixtures.data("jwdeveloper-TikTokLiveJava/" + file)
        message.msgID = try Webcast_EventHeader(serializedBytes: message.payload).common.msgID
        return message
    }

    static func result(
        _ messages: [Webcast_BaseProtoMessage], needAck: Bool, internalExt: String = "ext-123"
    )
        -> Webcast_ProtoMessageFetchResult
    {
        var result = Webcast_ProtoMessageFetchResult()
        result.messages = messages
        result.needAck = needAck
        result.internalExt = internalExt
        result.cursor = "cursor-1"
        return result
    }

    static func chatAndJoin() throws -> [Webcast_BaseProtoMessage] {
        [
            try Self.message("WebcastChatMessage", "MessageWebcastChatMessage.pb"),
            try Self.message("WebcastMemberMessage", "WebcastMemberMessage.pb"),
        ]
    }

    @Test(arguments: [false, true])
    func realPayloadsDecodeInOrderWithTheirIDsAndAnAck(gzip: Bool) throws {
        let bytes = PushFrames.messageFrame(Self.result(try Self.chatAndJoin(), needAck: true), gzip: gzip, logID: 42)
        let frame = try PushFrameDecoder().decode(Data(bytes))
        #expect(frame.payloadType == "msg")
        #expect(frame.logID == 42)
        #expect(frame.fetchResult?.cursor == "cursor-1")
        #expect(frame.events.map(\.type) == ["chat", "join"])
        #expect(frame.events.map(\.msgID) == [Self.chatID, Self.memberID])
        #expect(frame.events.first?.user?.uniqueID == "almando29")
        #expect(frame.undecodable.isEmpty)

        let ack = try Webcast_PushFrame(serializedBytes: try #require(frame.ack))
        #expect(ack.payloadType == "ack")
        #expect(ack.payloadEncoding == "pb")
        #expect(ack.logID == 42)
        #expect(String(decoding: ack.payload, as: UTF8.self) == "ext-123")
    }

    @Test func aGzippedPayloadWithoutTheHeaderIsRecognisedByItsMagic() throws {
        var frame = try Webcast_PushFrame(
            serializedBytes: PushFrames.messageFrame(Self.result(try Self.chatAndJoin(), needAck: false), gzip: true, logID: 7)
        )
        frame.headers = []
        let decoded = try PushFrameDecoder().decode(try frame.serializedBytes())
        #expect(decoded.events.map(\.msgID) == [Self.chatID, Self.memberID])
        #expect(decoded.ack == nil)
    }

    @Test func anEmptyInternalExtIsAckedWithADash() throws {
        let bytes = PushFrames.messageFrame(Self.result(try Self.chatAndJoin(), needAck: true, internalExt: ""), gzip: false, logID: 9)
        let ack = try Webcast_PushFrame(serializedBytes: try #require(try PushFrameDecoder().decode(Data(bytes)).ack))
        #expect(ack.logID == 9)
        #expect(Array(ack.payload) == Array("-".utf8))
    }

    @Test func duplicatesAreLeftToTheCaller() throws {
        let chat = try Self.message("WebcastChatMessage", "MessageWebcastChatMessage.pb")
        let bytes = PushFrames.messageFrame(Self.result([chat, chat], needAck: false), gzip: false, logID: 1)
        let frame = try PushFrameDecoder().decode(Data(bytes))
        #expect(frame.events.map(\.msgID) == [Self.chatID, Self.chatID])
    }

    @Test func anUndecodablePayloadIsSkippedAndReportedWhileTheOthersDecode() throws {
        var broken = Webcast_BaseProtoMessage()
        broken.method = "WebcastChatMessage"
        broken.msgID = 555
        broken.payload = Data([0x0A, 0xFF, 0x01])  // field 1, length 255, one byte present
        let messages =
            [try Self.message("WebcastChatMessage", "MessageWebcastChatMessage.pb"), broken]
            + [try Self.message("WebcastSocialMessage", "MessageWebcastSocialMessage.pb")]
        let frame = try PushFrameDecoder().decode(Data(PushFrames.messageFrame(Self.result(messages, needAck: true), gzip: true, logID: 3)))
        #expect(frame.events.map(\.type) == ["chat", "share"])
        #expect(frame.undecodable.map(\.msgID) == [555])
        #expect(frame.undecodable.first?.method == "WebcastChatMessage")
        #expect(frame.undecodable.first?.payload == Data([0x0A, 0xFF, 0x01]))
        #expect(frame.ack != nil)
    }

    @Test func framesOtherThanMsgCarryNoEvents() throws {
        var beat = Webcast_HeartBeatMessage()
        beat.roomID = 1
        let frame = try PushFrameDecoder().decode(Data(PushFrames.clientFrame(type: "hb", payload: try beat.serializedBytes(), logID: 5)))
        #expect(frame.payloadType == "hb")
        #expect(frame.logID == 5)
        #expect(frame.fetchResult == nil)
        #expect(frame.events.isEmpty)
        #expect(frame.ack == nil)
    }

    @Test func aCorruptCapturedFrameThrowsInsteadOfYieldingEvents() throws {
        let corrupt = try Fixtures.data("jwdeveloper-TikTokLiveJava/WebcastWebsocketMessage.CORRUPTED.bin")
        #expect(throws: PushFrameDecoder.DecodingError.self) { try PushFrameDecoder().decode(corrupt) }
    }

    @Test func aPayloadMarkedGzipThatDoesNotInflateIsABadGzipError() throws {
        var frame = Webcast_PushFrame()
        frame.payloadType = "msg"
        var header = Webcast_PushHeader()
        header.key = "compress_type"
        header.value = "gzip"
        frame.headers = [header]
        frame.payload = Data("not gzip at all".utf8)
        let error = #expect(throws: PushFrameDecoder.DecodingError.self) { try PushFrameDecoder().decode(try frame.serializedBytes()) }
        #expect(error?.description.contains("gunzip") == true)
    }

    @Test func theSignServersFetchResultDecodesTheSameWay() throws {
        let (events, undecodable) = PushFrameDecoder().events(in: Self.result(try Self.chatAndJoin(), needAck: false))
        #expect(events.map(\.msgID) == [Self.chatID, Self.memberID])
        #expect(undecodable.isEmpty)
    }
}
