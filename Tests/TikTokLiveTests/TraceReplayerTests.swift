import Foundation
import SwiftProtobuf
import Testing
import TikTokLive

/// Replaying a trace gives the events the live client would have emitted, de-duplicated, in the `.chat.jsonl`
/// schema, with skipped frames reported by offset and a damaged tail reported after the good part.
@Suite(.enabled(if: Fixtures.shouldRun, Fixtures.skipMessage))
struct TraceReplayerTests {
    /// A session: enter-room sent, a gzipped msg frame (chat + join), a heartbeat, a corrupt frame, the same chat
    /// again (history overlap), an ack sent.
    static func sessionTrace() throws -> (data: Data, corruptOffset: Int) {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("replay-\(UUID().uuidString).wstrace").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let chat = try PushFrameDecoderTests.message("WebcastChatMessage", "MessageWebcastChatMessage.pb")
        let join = try PushFrameDecoderTests.message("WebcastMemberMessage", "WebcastMemberMessage.pb")
        let writer = try WebSocketTraceWriter(path: path)
        try writer.record(.sent, PushFrames.clientFrame(type: "im_enter_room", payload: []), timeMicroseconds: 1_000_000)
        try writer.record(
            .received, PushFrames.messageFrame(PushFrameDecoderTests.result([chat, join], needAck: true), gzip: true, logID: 11),
            timeMicroseconds: 2_500_000)
        try writer.record(.sent, PushFrames.clientFrame(type: "hb", payload: []), timeMicroseconds: 3_000_000)
        try writer.record(.received, [0xFF, 0xFF, 0xFF], timeMicroseconds: 3_500_000)
        try writer.record(
            .received, PushFrames.messageFrame(PushFrameDecoderTests.result([chat], needAck: false), gzip: false, logID: 12),
            timeMicroseconds: 4_000_000)
        try writer.record(
            .sent, PushFrames.clientFrame(type: "ack", payload: Array("ext-123".utf8), logID: 11), timeMicroseconds: 4_100_000)
        writer.close()
        let records = try WebSocketTraceReader.records(inFile: path)
        return (try Data(contentsOf: URL(fileURLWithPath: path)), records[3].offset)
    }

    static func json(_ line: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    }

    @Test func eventsComeOutOnceInTheChatJSONLSchemaAndSkipsNameTheirOffset() throws {
        let trace = try Self.sessionTrace()
        var reader = try WebSocketTraceReader(data: trace.data)
        var lines: [String] = []
        var warnings: [String] = []
        let summary = try WebSocketTraceReplayer().replay(&reader) { output in
            if let line = output.jsonLine { lines.append(line) }
            if let warning = output.warning { warnings.append(warning) }
        }
        let objects = try lines.map(Self.json)
        #expect(objects.map { $0["type"] as? String } == ["chat", "join"])
        #expect(objects.map { $0["msgId"] as? String } == ["\(PushFrameDecoderTests.chatID)", "\(PushFrameDecoderTests.memberID)"])
        #expect(objects.allSatisfy { $0["receivedAt"] as? Int == 2500 })
        #expect(objects.allSatisfy { $0["videoTime"] is NSNull })
        #expect(objects[1]["memberCount"] as? Int == 774)
        #expect(objects[0]["createTime"] as? Int == 1_692_726_385_028)

        #expect(warnings.count == 1)
        #expect(warnings.first?.contains("byte offset \(trace.corruptOffset)") == true)
        #expect(summary.records == 6)
        #expect(summary.events == 2)
        #expect(summary.duplicates == 1)
        #expect(summary.undecodableFrames == 1)
        #expect(summary.receivedFrames == ["msg": 2])
        #expect(summary.sentFrames == ["im_enter_room": 1, "hb": 1, "ack": 1])
    }

    @Test func sentFramesAreListedWhenAsked() throws {
        var reader = try WebSocketTraceReader(data: try Self.sessionTrace().data)
        var lines: [String] = []
        try WebSocketTraceReplayer(includeSent: true).replay(&reader) { output in
            if let line = output.jsonLine { lines.append(line) }
        }
        let objects = try lines.map(Self.json)
        #expect(objects.map { $0["type"] as? String } == ["sentFrame", "chat", "join", "sentFrame", "sentFrame"])
        let sent = objects.filter { $0["type"] as? String == "sentFrame" }
        #expect(sent.map { $0["payloadType"] as? String } == ["im_enter_room", "hb", "ack"])
        #expect(sent.map { $0["sentAt"] as? Int } == [1000, 3000, 4100])
        #expect(sent.last?["logId"] as? String == "11")
    }

    @Test func aTraceCutShortDeliversEverythingBeforeTheCutThenNamesIt() throws {
        let full = try Self.sessionTrace().data
        let cut = full.prefix(full.count - 4)
        var reader = try WebSocketTraceReader(data: cut, path: "cut.wstrace")
        var types: [String] = []
        let error = #expect(throws: WebSocketTraceError.self) {
            try WebSocketTraceReplayer().replay(&reader) { output in
                if case .event(let event, _) = output { types.append(event.type) }
            }
        }
        #expect(types == ["chat", "join"])
        #expect(error?.kind == .truncatedRecord)
        #expect(error?.description.contains("cut.wstrace: at byte offset") == true)
    }
}
