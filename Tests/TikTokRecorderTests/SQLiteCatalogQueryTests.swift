import Foundation
import Testing

@testable import TikTokRecorder

@Suite struct SQLiteCatalogQueryTests {
    typealias Support = CatalogTestSupport

    @Test func checkHistoryKeepsTheNewest200PerCreator() async throws {
        try await Support.withTemporaryFolder { folder in
            try await Support.withCatalog(folder.appendingPathComponent("catalog.sqlite").path) { catalog in
                for second in 0..<230 {
                    try await catalog.recordCheck(
                        CheckRecord(
                            creator: "alice", at: Support.at(Double(second)), outcome: second % 2 == 0 ? "offline" : "failed",
                            detail: second % 2 == 0 ? nil : "timeout \(second)", milliseconds: second
                        )
                    )
                }
                try await catalog.recordCheck(CheckRecord(creator: "bob", at: Support.t0, outcome: "live", milliseconds: 80))

                let all = try await catalog.checks(creator: "alice", limit: 1000)
                #expect(all.count == 200)
                #expect(all.first?.at == Support.at(229))
                #expect(all.last?.at == Support.at(30))
                #expect(all.first?.detail == "timeout 229")
                #expect(all.first?.milliseconds == 229)
                let newest = try await catalog.checks(creator: "ALICE", limit: 3)
                #expect(newest.map(\.milliseconds) == [229, 228, 227])
                #expect(newest[1].detail == nil)
                #expect(try await catalog.checks(creator: "bob", limit: 10).map(\.outcome) == ["live"])
                #expect(try await catalog.checks(creator: "alice", limit: 0).isEmpty)
            }
        }
    }

    @Test func sessionsAreFilteredByCreatorAndStartAndOrdered() async throws {
        try await Support.withTemporaryFolder { folder in
            try await Support.withCatalog(folder.appendingPathComponent("catalog.sqlite").path) { catalog in
                var ids: [String: SessionID] = [:]
                for (name, creator, hour) in [("a1", "Alice", 0.0), ("b1", "bob", 1), ("a2", "alice", 2), ("a3", "ALICE", 3)] {
                    ids[name] = try await catalog.openSession(creator: creator, roomID: "r", title: name, at: Support.at(hour * 3600))
                }
                let newestAlice = try await catalog.sessions(CatalogFilter(creator: "alice"))
                #expect(newestAlice.map(\.title) == ["a3", "a2", "a1"])
                #expect(newestAlice.map(\.creator) == ["ALICE", "alice", "Alice"])

                let oldestFirst = try await catalog.sessions(CatalogFilter(newestFirst: false))
                #expect(oldestFirst.map(\.title) == ["a1", "b1", "a2", "a3"])

                // From is inclusive, to exclusive.
                let window = try await catalog.sessions(CatalogFilter(from: Support.at(3600), to: Support.at(3 * 3600)))
                #expect(window.map(\.title) == ["a2", "b1"])

                let limited = try await catalog.sessions(CatalogFilter(limit: 2))
                #expect(limited.map(\.title) == ["a3", "a2"])
                #expect(try await catalog.sessions(CatalogFilter(limit: 0)).isEmpty)
                #expect(try await catalog.sessions(CatalogFilter(creator: "nobody")).isEmpty)
                #expect(ids.count == 4)
            }
        }
    }

    @Test func textWithQuotesEmojiAndSQLIsStoredExactly() async throws {
        let title = #"Robert'); DROP TABLE sessions;-- "quoted" 🎉🇯🇵 ñ \ % _ ?1 $1 :name"#
        let creator = "o'neil_🎥"
        let files = [#"o'neil/it's "live" 🎉.mp4"#, "o'neil/new\nline; DELETE FROM parts;.vtt", "", "percent%_under.chat.jsonl"]
        let error = "failed: 'x' \"y\" \u{0}z"
        // NUL cannot be stored as text (SQLite would cut there, PostgreSQL refuses it): it becomes U+FFFD.
        let storedError = "failed: 'x' \"y\" \u{FFFD}z"
        try await Support.withTemporaryFolder { folder in
            let path = folder.appendingPathComponent("catalog.sqlite").path
            let session = try await Support.withCatalog(path) { catalog in
                let session = try await catalog.openSession(creator: creator, roomID: "7'3", title: title, at: Support.t0)
                let part = try await catalog.startPart(session: session, roomID: "7'3", reason: "start", files: [], at: Support.t0)
                try await catalog.finishPart(
                    part.id,
                    Support.result(
                        endedAt: Support.at(9), reason: "it's over", files: files, mediaSeconds: 9, bytes: 9, events: 9, error: error)
                )
                try await catalog.recordCheck(CheckRecord(creator: creator, at: Support.t0, outcome: "o'k", detail: title, milliseconds: 1))
                return session
            }
            try await Support.withCatalog(path) { catalog in
                let record = try #require(try await catalog.sessions(CatalogFilter(creator: creator)).first)
                #expect(record.id == session)
                #expect(record.title == title)
                #expect(record.creator == creator)
                #expect(record.firstRoomID == "7'3")
                #expect(record.lastError == storedError)
                let part = try #require(try await catalog.parts(session: session).first)
                #expect(part.files == files)
                #expect(part.endReason == "it's over")
                #expect(try await catalog.checks(creator: creator, limit: 1).first?.detail == title)
            }
        }
    }
}
