import Foundation
import Testing

@testable import TikTokRecorder

@Suite struct SQLiteCatalogLifecycleTests {
    typealias Support = CatalogTestSupport

    @Test func aSessionWithTwoPartsAddsUpItsTotalsAndEndsWithItsLastPart() async throws {
        try await Support.withTemporaryFolder { folder in
            try await Support.withCatalog(folder.appendingPathComponent("catalog.sqlite").path) { catalog in
                let session = try await catalog.openSession(creator: "alice", roomID: "room-1", title: "Hello", at: Support.t0)
                let first = try await catalog.startPart(
                    session: session, roomID: "room-1", reason: "start", files: ["alice/a.mp4"], at: Support.t0
                )
                #expect(first.index == 1)
                #expect(first.isOpen)
                try await catalog.finishPart(
                    first.id,
                    Support.result(
                        endedAt: Support.at(600), files: ["alice/a.mp4", "alice/a.chat.jsonl", "alice/a.vtt"], mediaSeconds: 598.5,
                        bytes: 50_000_000, events: 1200, diamonds: 30
                    )
                )
                let second = try await catalog.startPart(
                    session: session, roomID: "room-2", reason: "roomChange", files: ["alice/b.mp4"], at: Support.at(700)
                )
                #expect(second.index == 2)
                try await catalog.finishPart(
                    second.id,
                    Support.result(
                        endedAt: Support.at(1000), files: ["alice/b.mp4"], mediaSeconds: 300, bytes: 25_000_000, events: 300,
                        diamonds: 12, error: "video stalled"
                    )
                )
                // The session closes later (the return window passed), but it ended with its last part.
                try await catalog.closeSession(session, reason: "streamEnded", at: Support.at(1300))

                let record = try #require(try await catalog.session(session))
                #expect(record.creator == "alice")
                #expect(record.firstRoomID == "room-1")
                #expect(record.parts == 2)
                #expect(record.mediaSeconds == 898.5)
                #expect(record.bytes == 75_000_000)
                #expect(record.events == 1500)
                #expect(record.diamonds == 42)
                #expect(record.lastError == "video stalled")
                #expect(record.endedAt == Support.at(1000))
                #expect(record.endReason == "streamEnded")

                let parts = try await catalog.parts(session: session)
                #expect(parts.map(\.index) == [1, 2])
                #expect(parts[0].files == ["alice/a.mp4", "alice/a.chat.jsonl", "alice/a.vtt"])
                #expect(parts[0].endReason == "streamEnded")
                #expect(parts[0].chatGaps == 1)
                #expect(parts[1].roomID == "room-2")
                #expect(parts[1].reason == "roomChange")
                #expect(parts[1].error == "video stalled")
            }
        }
    }

    @Test func progressOfThePartBeingRecordedShowsInItsSession() async throws {
        try await Support.withTemporaryFolder { folder in
            try await Support.withCatalog(folder.appendingPathComponent("catalog.sqlite").path) { catalog in
                let session = try await catalog.openSession(creator: "bob", roomID: "r", title: "", at: Support.t0)
                let part = try await catalog.startPart(session: session, roomID: "r", reason: "start", files: [], at: Support.t0)
                try await catalog.updatePart(
                    part.id, files: ["bob/x.mp4", "bob/x.part2.mp4"], mediaSeconds: 120, bytes: 9_000_000, events: 40,
                    diamonds: 5, at: Support.at(121)
                )
                let open = try #require(try await catalog.session(session))
                #expect(open.isOpen)
                #expect(open.bytes == 9_000_000)
                #expect(open.mediaSeconds == 120)
                #expect(open.diamonds == 5)
                #expect(try await catalog.parts(session: session).first?.files == ["bob/x.mp4", "bob/x.part2.mp4"])

                try await catalog.finishPart(
                    part.id,
                    Support.result(endedAt: Support.at(200), files: ["bob/x.mp4"], mediaSeconds: 199, bytes: 15_000_000, events: 70)
                )
                // The finished figures replace the progress: nothing is counted twice.
                let finished = try #require(try await catalog.session(session))
                #expect(finished.bytes == 15_000_000)
                #expect(finished.events == 70)
                #expect(try await catalog.parts(session: session).first?.files == ["bob/x.mp4"])
            }
        }
    }

    @Test func aFinishedPartCannotBeFinishedOrUpdatedAgain() async throws {
        let catalog = try await SQLiteCatalog.openInMemory()
        do {
            let session = try await catalog.openSession(creator: "carol", roomID: "r", title: "t", at: Support.t0)
            let part = try await catalog.startPart(session: session, roomID: "r", reason: "start", files: [], at: Support.t0)
            let result = Support.result(endedAt: Support.at(60), files: ["c.mp4"], mediaSeconds: 60, bytes: 1000, events: 3)
            try await catalog.finishPart(part.id, result)
            await #expect(throws: CatalogError(.partFinished(part.id), file: ":memory:")) {
                try await catalog.finishPart(part.id, result)
            }
            await #expect(throws: CatalogError(.partFinished(part.id), file: ":memory:")) {
                try await catalog.updatePart(part.id, files: [], mediaSeconds: 1, bytes: 1, events: 1)
            }
            await #expect(throws: CatalogError(.unknownPart(999), file: ":memory:")) {
                try await catalog.finishPart(999, result)
            }
            #expect(try await catalog.session(session)?.bytes == 1000)
        } catch {
            try? await catalog.close()
            throw error
        }
        try await catalog.close()
    }

    @Test func aClosedSessionTakesNoNewPartAndClosingAgainChangesNothing() async throws {
        let catalog = try await SQLiteCatalog.openInMemory()
        do {
            let session = try await catalog.openSession(creator: "dave", roomID: "r", title: "t", at: Support.t0)
            try await catalog.closeSession(session, reason: "disabled", at: Support.at(5))
            try await catalog.closeSession(session, reason: "shutdown", at: Support.at(50))
            let record = try #require(try await catalog.session(session))
            // No part: the session ended when it was closed.
            #expect(record.endedAt == Support.at(5))
            #expect(record.endReason == "disabled")
            await #expect(throws: CatalogError(.sessionClosed(session), file: ":memory:")) {
                _ = try await catalog.startPart(session: session, roomID: "r", reason: "return", files: [], at: Support.at(60))
            }
            await #expect(throws: CatalogError(.unknownSession(12345), file: ":memory:")) {
                try await catalog.closeSession(12345, reason: "x", at: Support.t0)
            }
            #expect(try await catalog.session(12345) == nil)
            #expect(try await catalog.parts(session: 12345).isEmpty)
        } catch {
            try? await catalog.close()
            throw error
        }
        try await catalog.close()
    }

    @Test func closingASessionEndsItsOpenPartAtItsLastUpdate() async throws {
        try await Support.withTemporaryFolder { folder in
            try await Support.withCatalog(folder.appendingPathComponent("catalog.sqlite").path) { catalog in
                let session = try await catalog.openSession(creator: "erin", roomID: "r", title: "t", at: Support.t0)
                let part = try await catalog.startPart(session: session, roomID: "r", reason: "start", files: ["e.mp4"], at: Support.t0)
                try await catalog.updatePart(
                    part.id, files: ["e.mp4"], mediaSeconds: 30, bytes: 3000, events: 9, diamonds: nil, at: Support.at(31)
                )
                try await catalog.closeSession(session, reason: "disabled", at: Support.at(400))
                let parts = try await catalog.parts(session: session)
                #expect(parts.first?.endReason == "interrupted")
                #expect(parts.first?.endedAt == Support.at(31))
                let record = try #require(try await catalog.session(session))
                #expect(record.endedAt == Support.at(31))
                #expect(record.bytes == 3000)
            }
        }
    }

    @Test func concurrentWritersAndReadersAllSucceed() async throws {
        try await Support.withTemporaryFolder { folder in
            try await Support.withCatalog(folder.appendingPathComponent("catalog.sqlite").path) { catalog in
                let ids = try await withThrowingTaskGroup(of: SessionID.self) { group in
                    for creator in 0..<40 {
                        group.addTask {
                            let id = try await catalog.openSession(
                                creator: "c\(creator)", roomID: "r", title: "t", at: Support.at(Double(creator))
                            )
                            let part = try await catalog.startPart(session: id, roomID: "r", reason: "start", files: [], at: Support.t0)
                            _ = try await catalog.sessions(CatalogFilter(limit: 10))
                            try await catalog.finishPart(
                                part.id, Support.result(endedAt: Support.at(100), files: ["f"], mediaSeconds: 1, bytes: 1, events: 1)
                            )
                            return id
                        }
                    }
                    return try await group.reduce(into: Set<SessionID>()) { $0.insert($1) }
                }
                #expect(ids.count == 40)
                let all = try await catalog.sessions(CatalogFilter(limit: 100))
                #expect(all.count == 40)
                #expect(all.allSatisfy { $0.parts == 1 && $0.bytes == 1 })
            }
        }
    }
}
