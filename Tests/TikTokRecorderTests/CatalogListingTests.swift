import Foundation
import Testing

@testable import TikTokRecorder

@Suite struct CatalogListingTests {
    typealias Support = CatalogTestSupport

    @Test func oneAlignedLinePerSessionWithItsFilesIndented() {
        let ended = SessionRecord(
            id: 1, creator: "alice", firstRoomID: "r1", title: "t", startedAt: Support.t0, endedAt: Support.at(3725),
            endReason: "streamEnded", parts: 2, mediaSeconds: 3700, bytes: 1_234_567_890, events: 15_000, diamonds: 420
        )
        let recording = SessionRecord(
            id: 2, creator: "bob_the_streamer", firstRoomID: "r2", title: "t", startedAt: Support.at(7200), parts: 1,
            mediaSeconds: 90, bytes: 5_500_000, events: 7, diamonds: 0
        )
        let waiting = SessionRecord(id: 3, creator: "carol", firstRoomID: "r3", title: "t", startedAt: Support.at(9000), parts: 1)
        let parts: [SessionID: [PartRecord]] = [
            1: [
                PartRecord(
                    id: 11, sessionID: 1, index: 1, roomID: "r1", reason: "start", startedAt: Support.t0, endedAt: Support.at(600),
                    files: ["alice/a.mp4", "alice/a.vtt"]
                ),
                PartRecord(
                    id: 12, sessionID: 1, index: 2, roomID: "r1", reason: "return", startedAt: Support.at(700),
                    endedAt: Support.at(3725), files: ["alice/b.mp4"]
                ),
            ],
            2: [
                PartRecord(
                    id: 21, sessionID: 2, index: 1, roomID: "r2", reason: "start", startedAt: Support.at(7200), files: ["bob/c.mp4"],
                    mediaSeconds: 90
                )
            ],
            3: [
                PartRecord(
                    id: 31, sessionID: 3, index: 1, roomID: "r3", reason: "start", startedAt: Support.at(9000),
                    endedAt: Support.at(9010), endReason: "streamEnded", mediaSeconds: 10
                )
            ],
        ]
        let text = CatalogListing.text([ended, recording, waiting], parts: parts)
        let expected = """
            STARTED (UTC)        CREATOR           DURATION  PARTS  SIZE MB  EVENTS  DIAMONDS  STATUS
            2026-11-23 20:50:00  alice              1:02:05      2   1234.6   15000       420  streamEnded
                [1] alice/a.mp4
                [1] alice/a.vtt
                [2] alice/b.mp4
            2026-11-23 22:50:00  bob_the_streamer   0:01:30      1      5.5       7         0  recording
                [1] bob/c.mp4
            2026-11-23 23:20:00  carol              0:00:10      1      0.0       0         0  open

            """
        #expect(text == expected)
    }

    @Test func anOpenSessionRunsToNowWhenGiven() {
        let open = SessionRecord(id: 1, creator: "a", firstRoomID: "r", title: "t", startedAt: Support.t0)
        let text = CatalogListing.text([open], parts: [:], now: Support.at(4 * 3600 + 61))
        #expect(text.contains(" 4:01:01 "))
        #expect(text.hasSuffix("open\n"))
    }

    @Test func anEmptyCatalogSaysSo() {
        #expect(CatalogListing.text([], parts: [:]) == "no sessions in the catalog\n")
    }
}
