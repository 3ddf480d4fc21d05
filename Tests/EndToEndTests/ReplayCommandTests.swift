import Foundation
import Testing
import TikTokLive

/// `tiktok-recorder replay` as a user runs it: the built binary as a child process, on a trace written with
/// ``WebSocketTraceWriter`` around real captured payloads (from `../shared/tiktok-fixtures`).
@Suite(
    .enabled(
        if: ReplayFixtures.present || ProcessInfo.processInfo.environment["CI"] == "true",
        "../shared/tiktok-fixtures is missing; replay CLI tests skipped (they fail in CI)"
    )
)
struct ReplayCommandTests {

    static let chatID = "7270204318916594464"
    static let shareID = "7270211734014528288"

    /// Runs the built `tiktok-recorder` with `arguments` to completion (off the cooperative pool).
    static func recorder(_ arguments: [String]) async throws -> ExternalTools.Finished {
        try await ExternalTools.execute(try ExternalTools.builtProduct("tiktok-recorder"), arguments)
    }

    static func message(_ method: String, _ file: String, msgID: String) throws -> Webcast_BaseProtoMessage {
        var message = Webcast_BaseProtoMessage()
        message.method = method
        message.payload = try Data(contentsOf: ReplayFixtures.directory.appendingPathComponent(file))
        message.msgID = try #require(Int64(msgID))
        return message
    }

    /// A trace of a short session: enter-room, a gzipped frame with a chat and a share, a heartbeat, the chat again.
    static func writeTrace(to path: String) throws {
        let chat = try Self.message("WebcastChatMessage", "MessageWebcastChatMessage.pb", msgID: Self.chatID)
        let share = try Self.message("WebcastSocialMessage", "MessageWebcastSocialMessage.pb", msgID: Self.shareID)
        var first = Webcast_ProtoMessageFetchResult()
        first.messages = [chat, share]
        first.needAck = true
        first.internalExt = "ext"
        var again = Webcast_ProtoMessageFetchResult()
        again.messages = [chat]

        let writer = try WebSocketTraceWriter(path: path)
        defer { writer.close() }
        try writer.record(.sent, PushFrames.clientFrame(type: "im_enter_room", payload: []), timeMicroseconds: 1_700_000_000_000_000)
        try writer.record(.received, PushFrames.messageFrame(first, gzip: true, logID: 1), timeMicroseconds: 1_700_000_001_234_567)
        try writer.record(.sent, PushFrames.clientFrame(type: "hb", payload: []), timeMicroseconds: 1_700_000_002_000_000)
        try writer.record(.received, PushFrames.messageFrame(again, gzip: false, logID: 2), timeMicroseconds: 1_700_000_003_000_000)
    }

    static func temporaryPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("replay-cli-\(UUID().uuidString).wstrace").path
    }

    @Test func printsOneJSONObjectPerEventDeduplicated() async throws {
        let path = Self.temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Self.writeTrace(to: path)

        let run = try await Self.recorder(["replay", path])
        #expect(run.status == 0, "stderr: \(run.stderr)")
        let lines = run.stdout.split(separator: "\n").map(String.init)
        let objects = try lines.map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "not a JSON object: \(line)")
        }
        #expect(objects.map { $0["type"] as? String } == ["chat", "share"])
        #expect(objects.map { $0["msgId"] as? String } == [Self.chatID, Self.shareID])
        #expect(objects.map { $0["method"] as? String } == ["WebcastChatMessage", "WebcastSocialMessage"])
        #expect(objects.allSatisfy { $0["receivedAt"] as? Int == 1_700_000_001_234 })
        #expect(objects.first?["createTime"] as? Int == 1_692_726_385_028)
        #expect((objects.first?["user"] as? [String: Any])?["uniqueId"] as? String == "almando29")
    }

    @Test func optionsListSentFramesAndSummarise() async throws {
        let path = Self.temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Self.writeTrace(to: path)

        let run = try await Self.recorder(["replay", "--include-sent", "--summary", path])
        #expect(run.status == 0, "stderr: \(run.stderr)")
        let types = try run.stdout.split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])["type"] as? String
        }
        #expect(types == ["sentFrame", "chat", "share", "sentFrame"])
        #expect(run.stderr.contains("4 records"), "\(run.stderr)")
        #expect(run.stderr.contains("1 duplicates dropped"), "\(run.stderr)")
    }

    @Test func aDamagedTracePrintsTheGoodPartThenFailsNamingTheOffset() async throws {
        let path = Self.temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Self.writeTrace(to: path)
        let records = try WebSocketTraceReader.records(inFile: path)
        // Corrupt the direction byte of the third record.
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        bytes[records[2].offset] = 0x09
        try bytes.write(to: URL(fileURLWithPath: path))

        let run = try await Self.recorder(["replay", path])
        #expect(run.status != 0)
        #expect(run.stderr.contains("byte offset \(records[2].offset)"), "\(run.stderr)")
        #expect(run.stderr.contains("direction"), "\(run.stderr)")
        #expect(run.stdout.split(separator: "\n").count == 2)
    }

    @Test func aFileThatIsNotATraceFailsAtOffsetZero() async throws {
        let path = Self.temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data("{\"type\":\"chat\"}\n".utf8).write(to: URL(fileURLWithPath: path))
        let run = try await Self.recorder(["replay", path])
        #expect(run.status != 0)
        #expect(run.stderr.contains("byte offset 0"), "\(run.stderr)")
        #expect(run.stderr.contains("TTLIVE-WS-TRACE 1"), "\(run.stderr)")
        #expect(run.stdout.isEmpty)
    }
}

/// The real captured payloads in `../shared/tiktok-fixtures`, read at test time (never copied into the repo).
private enum ReplayFixtures {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/tiktok-fixtures/jwdeveloper-TikTokLiveJava")
    static var present: Bool { FileManager.default.fileExists(atPath: Self.directory.path) }
}
