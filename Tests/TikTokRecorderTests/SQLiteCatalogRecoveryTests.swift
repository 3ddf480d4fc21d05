import Foundation
import Testing

@testable import TikTokRecorder

@Suite struct SQLiteCatalogRecoveryTests {
    typealias Support = CatalogTestSupport

    /// The first catalog is never closed before the second opens the file: like a process killed mid-recording,
    /// only what it committed is there.
    @Test func partsLeftOpenAreInterruptedAndOpenSessionsReturned() async throws {
        try await Support.withTemporaryFolder { folder in
            let path = folder.appendingPathComponent("catalog.sqlite").path
            let crashed = try await SQLiteCatalog.open(path: path)
            do {
                let recording = try await crashed.openSession(creator: "alice", roomID: "r1", title: "live", at: Support.t0)
                let part = try await crashed.startPart(session: recording, roomID: "r1", reason: "start", files: ["a.mp4"], at: Support.t0)
                try await crashed.updatePart(
                    part.id, files: ["a.mp4", "a.chat.jsonl"], mediaSeconds: 55, bytes: 4_000_000, events: 12, diamonds: 3,
                    at: Support.at(56)
                )
                let waiting = try await crashed.openSession(creator: "bob", roomID: "r2", title: "between parts", at: Support.at(10))
                let done = try await crashed.startPart(session: waiting, roomID: "r2", reason: "start", files: [], at: Support.at(10))
                try await crashed.finishPart(
                    done.id, Support.result(endedAt: Support.at(20), files: ["b.mp4"], mediaSeconds: 10, bytes: 100, events: 1)
                )
                let closed = try await crashed.openSession(creator: "carol", roomID: "r3", title: "over", at: Support.at(30))
                try await crashed.closeSession(closed, reason: "streamEnded", at: Support.at(40))

                try await Support.withCatalog(path) { restarted in
                    let open = try await restarted.recoverAfterCrash(at: Support.at(3600))
                    #expect(open.map(\.id) == [recording, waiting])
                    let alice = try #require(open.first)
                    #expect(alice.isOpen)
                    #expect(alice.bytes == 4_000_000)
                    #expect(alice.diamonds == 3)

                    let parts = try await restarted.parts(session: recording)
                    #expect(parts.count == 1)
                    #expect(parts[0].endReason == "interrupted")
                    #expect(parts[0].endedAt == Support.at(56))
                    #expect(parts[0].files == ["a.mp4", "a.chat.jsonl"])
                    #expect(parts[0].error?.contains("recovered") == true)
                    #expect(try await restarted.parts(session: waiting).first?.endReason == "streamEnded")

                    // The service continues alice's session with a new part, then it ends.
                    let next = try await restarted.startPart(
                        session: recording, roomID: "r1", reason: "restart", files: [], at: Support.at(3600))
                    #expect(next.index == 2)
                    try await restarted.finishPart(
                        next.id,
                        Support.result(endedAt: Support.at(3700), files: ["a2.mp4"], mediaSeconds: 100, bytes: 1_000_000, events: 5)
                    )
                    try await restarted.closeSession(recording, reason: "streamEnded", at: Support.at(3800))
                    let ended = try #require(try await restarted.session(recording))
                    #expect(ended.endedAt == Support.at(3700))
                    #expect(ended.bytes == 5_000_000)
                    #expect(ended.parts == 2)

                    // Recovering again finds nothing more to interrupt and only bob's session still open.
                    #expect(try await restarted.recoverAfterCrash(at: Support.at(4000)).map(\.id) == [waiting])
                }
            } catch {
                try? await crashed.close()
                throw error
            }
            try await crashed.close()
        }
    }

    @Test func whatACatalogCommittedSurvivesReopening() async throws {
        try await Support.withTemporaryFolder { folder in
            let path = folder.appendingPathComponent("catalog.sqlite").path
            let session = try await Support.withCatalog(path) { catalog in
                let session = try await catalog.openSession(creator: "dana", roomID: "r", title: "t", at: Support.t0)
                _ = try await catalog.startPart(session: session, roomID: "r", reason: "start", files: ["d.mp4"], at: Support.t0)
                return session
            }
            try await Support.withCatalog(path) { catalog in
                let parts = try await catalog.parts(session: session)
                #expect(parts.count == 1)
                #expect(parts.first?.isOpen == true)
                #expect(try await catalog.recoverAfterCrash(at: Support.at(10)).map(\.id) == [session])
                #expect(try await catalog.parts(session: session).first?.endedAt == Support.t0)
            }
        }
    }
}
