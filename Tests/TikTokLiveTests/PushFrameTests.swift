import Foundation
import Logging
import SwiftProtobuf
import Testing

@testable import TikTokLive

/// Push frames built around real payloads round-trip through the WebSocket frame handler, gzipped or not.
@Suite(.enabled(if: Fixtures.shouldRun, Fixtures.skipMessage))
struct PushFrameTests {
    let connection = TikTokLiveClient(configuration: .init(), logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
        .makeConnection(roomID: "7300000000000000001", observeMessage: nil)

    func frame(methods: [(String, String)], gzip: Bool, needAck: Bool) throws -> Data {
        var result = Webcast_ProtoMessageFetchResult()
        for (method, file) in methods {
            var message = Webcast_BaseProtoMessage()
            message.method = method
            message.payload = try Fixtures.data("jwdeveloper-TikTokLiveJava/" + file)
            message.msgID = try Webcast_EventHeader(serializedBytes: message.payload).common.msgID
            result.messages.append(message)
        }
        result.needAck = needAck
        result.internalExt = "ext-123"
        return Data(PushFrames.messageFrame(result, gzip: gzip, logID: 42))
    }

    @Test(arguments: [false, true])
    func realPayloadsSurviveTheFramePath(gzip: Bool) throws {
        let bytes = try self.frame(
            methods: [("WebcastChatMessage", "MessageWebcastChatMessage.pb"), ("WebcastMemberMessage", "WebcastMemberMessage.pb")],
            gzip: gzip, needAck: true
        )
        var events: [LiveEvent] = []
        let ack = self.connection.handle(frameBytes: bytes, emit: { events.append($0) })
        #expect(events.map(\.type) == ["chat", "join"])
        #expect(events.map(\.msgID) == [7_270_204_318_916_594_464, 7_273_941_110_900_738_848])
        let ackFrame = try Webcast_PushFrame(serializedBytes: try #require(ack))
        #expect(ackFrame.payloadType == "ack")
        #expect(ackFrame.logID == 42)
        #expect(String(decoding: ackFrame.payload, as: UTF8.self) == "ext-123")
    }

    @Test func repeatedMessagesAreDeliveredOnce() throws {
        let bytes = try self.frame(methods: [("WebcastChatMessage", "MessageWebcastChatMessage.pb")], gzip: false, needAck: false)
        var events: [LiveEvent] = []
        #expect(self.connection.handle(frameBytes: bytes, emit: { events.append($0) }) == nil)
        _ = self.connection.handle(frameBytes: bytes, emit: { events.append($0) })
        #expect(events.count == 1)
    }

    @Test func aCorruptFrameIsSkippedWithoutStoppingTheStream() throws {
        let corrupt = try Fixtures.data("jwdeveloper-TikTokLiveJava/WebcastWebsocketMessage.CORRUPTED.bin")
        var events: [LiveEvent] = []
        #expect(self.connection.handle(frameBytes: corrupt, emit: { events.append($0) }) == nil)
        let good = try self.frame(methods: [("WebcastSocialMessage", "MessageWebcastSocialMessage.pb")], gzip: true, needAck: false)
        _ = self.connection.handle(frameBytes: good, emit: { events.append($0) })
        #expect(events.map(\.type) == ["share"])
    }
}
