import Foundation
import Testing
import TikTokLive

@testable import ChatTimeline

@Suite struct SidecarFormatTests {
    let chat = LiveEvent(
        method: "WebcastChatMessage", msgID: 7_400_000_000_000_000_001, createTime: 1_700_000_000_123, isHistory: false,
        user: EventUser(id: "7100000000000000001", uniqueID: "viewer", nickname: "Zoë \"Z\" <3"),
        kind: .chat(comment: "مرحبا 👋 & <b>bold</b>\nsecond line")
    )

    @Test func webVTTTimestampsAndEscaping() {
        #expect(WebVTT.timestamp(0) == "00:00:00.000")
        #expect(WebVTT.timestamp(3723.4567) == "01:02:03.457")
        #expect(WebVTT.timestamp(-1) == "00:00:00.000")
        let cue = WebVTT.cue(index: 3, start: 1.5, end: 5.5, text: "a <b> & c\nd --> e")
        #expect(cue == "3\n00:00:01.500 --> 00:00:05.500\na &lt;b&gt; &amp; c d --&gt; e\n\n")
    }

    @Test func jsonLineFollowsTheDocumentedSchema() throws {
        let line = TimedEvent(event: self.chat, videoTime: 12.3456, receivedAt: 1_700_000_000_200).jsonLine
        #expect(!line.contains("\n"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["type"] as? String == "chat")
        #expect(object["method"] as? String == "WebcastChatMessage")
        #expect(object["msgId"] as? String == "7400000000000000001")
        #expect((object["createTime"] as? NSNumber)?.int64Value == 1_700_000_000_123)
        #expect(object["comment"] as? String == "مرحبا 👋 & <b>bold</b>\nsecond line")
        #expect((object["videoTime"] as? NSNumber)?.doubleValue == 12.346)
        let user = try #require(object["user"] as? [String: Any])
        #expect(user["nickname"] as? String == "Zoë \"Z\" <3")
        #expect(user["id"] as? String == "7100000000000000001")
    }

    @Test func onlyOnScreenEventsBecomeCues() {
        #expect(TimedEvent(event: self.chat, videoTime: 1, receivedAt: 0).cueText?.hasPrefix("Zoë") == true)
        var join = self.chat
        join.kind = .join(memberCount: 10)
        #expect(TimedEvent(event: join, videoTime: 1, receivedAt: 0).cueText == nil)
        var streaking = self.chat
        streaking.kind = .gift(
            .init(giftID: 5655, giftName: "Rose", giftType: 1, diamondCount: 1, repeatCount: 3, repeatEnd: false, groupID: 1))
        #expect(TimedEvent(event: streaking, videoTime: 1, receivedAt: 0).cueText == nil)
        streaking.kind = .gift(
            .init(giftID: 5655, giftName: "Rose", giftType: 1, diamondCount: 1, repeatCount: 3, repeatEnd: true, groupID: 1))
        #expect(TimedEvent(event: streaking, videoTime: 1, receivedAt: 0).cueText == "Zoë \"Z\" <3 sent Rose ×3")
    }

    @Test func eventsBeforeTheFirstFrameAreHeldThenPlaced() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sidecar-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let clock = MediaClock()
        let writer = try ChatSidecarWriter(basePath: directory.appendingPathComponent("x").path, clock: clock)
        try writer.append(self.chat, receivedAt: 1_700_000_000_200)
        #expect(writer.eventCount == 0)
        clock.observe(mediaTime: 0, wallClock: 1_700_000_000)
        var later = self.chat
        later.msgID += 1
        later.createTime += 1000
        try writer.append(later, receivedAt: 1_700_000_001_200)
        try writer.close()
        let lines = try String(contentsOfFile: writer.jsonLinesPath, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines[0].contains("\"videoTime\":0.123"))
        #expect(lines[1].contains("\"videoTime\":1.123"))
        let vtt = try String(contentsOfFile: writer.webVTTPath, encoding: .utf8)
        #expect(vtt.hasPrefix("WEBVTT\n\n1\n00:00:00.123 --> 00:00:04.123\n"))
    }
}
