import Foundation
import Testing

@testable import TikTokRecorder

@Suite struct SQLiteCatalogSchemaTests {
    typealias Support = CatalogTestSupport

    /// A later release's migration: a table the first schema does not have.
    static let nextVersion = CatalogMigration(
        version: 2, summary: "a later table", statements: ["CREATE TABLE later_things (id BIGINT PRIMARY KEY)"]
    )

    @Test func reopeningAppliesEachMigrationOnceAndKeepsTheData() async throws {
        try await Support.withTemporaryFolder { folder in
            let path = folder.appendingPathComponent("catalog.sqlite").path
            let session = try await Support.withCatalog(path, now: Support.t0) { catalog in
                try await catalog.openSession(creator: "alice", roomID: "r", title: "t", at: Support.t0)
            }
            for reopen in 1...2 {
                try await Support.withCatalog(path, now: Support.at(Double(reopen) * 100)) { catalog in
                    let applied = try await CatalogSchema.applied(catalog.storage.writer)
                    #expect(applied == [CatalogSchema.AppliedMigration(version: 1, appliedAt: Support.t0)])
                    #expect(try await catalog.session(session)?.creator == "alice")
                }
            }
            // A newer release adds version 2 once; the file keeps its sessions.
            for reopen in 1...2 {
                try await Support.withCatalog(
                    path, migrations: CatalogSchema.migrations + [Self.nextVersion], now: Support.at(1000 * Double(reopen))
                ) { catalog in
                    let applied = try await CatalogSchema.applied(catalog.storage.writer)
                    #expect(applied.map(\.version) == [1, 2])
                    #expect(applied.last?.appliedAt == Support.at(1000))
                    #expect(try await catalog.session(session) != nil)
                }
            }
        }
    }

    @Test func aDatabaseFromANewerVersionIsRefusedAndLeftUntouched() async throws {
        try await Support.withTemporaryFolder { folder in
            let path = folder.appendingPathComponent("catalog.sqlite").path
            try await Support.withCatalog(path, migrations: CatalogSchema.migrations + [Self.nextVersion]) { _ in }
            let error = await #expect(throws: CatalogError.self) {
                try await SQLiteCatalog.open(path: path)
            }
            #expect(error?.kind == .newerSchema(found: 2, supported: 1))
            #expect(error?.description.contains(path) == true)
            #expect(error?.description.contains("Upgrade tiktok-recorder") == true)
            // The newer version can still open it.
            try await Support.withCatalog(path, migrations: CatalogSchema.migrations + [Self.nextVersion]) { catalog in
                let versions = try await CatalogSchema.applied(catalog.storage.writer).map(\.version)
                #expect(versions == [1, 2])
            }
        }
    }

    @Test func aFileThatIsNotADatabaseIsRefusedWithItsPath() async throws {
        try await Support.withTemporaryFolder { folder in
            let path = folder.appendingPathComponent("catalog.sqlite").path
            try Data(repeating: 0x42, count: 8192).write(to: URL(fileURLWithPath: path))
            let error = await #expect(throws: CatalogError.self) {
                try await SQLiteCatalog.open(path: path)
            }
            #expect(error?.kind == .cannotOpen)
            #expect(error?.description.contains(path) == true)
            #expect(error?.description.contains("not a database") == true)
        }
    }

    @Test func theFolderIsCreatedWhenMissing() async throws {
        try await Support.withTemporaryFolder { folder in
            let path = folder.appendingPathComponent("new/output/catalog.sqlite").path
            try await Support.withCatalog(path) { catalog in
                _ = try await catalog.openSession(creator: "a", roomID: "r", title: "t", at: Support.t0)
            }
            #expect(FileManager.default.fileExists(atPath: path))
        }
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/proc/self/task")))
    func openingAndClosingTwentyCatalogsLeavesNoThreadsBehind() async throws {
        try await Support.withTemporaryFolder { folder in
            let path = folder.appendingPathComponent("catalog.sqlite").path
            try await Support.withCatalog(path) { _ in }  // the first open also starts process-wide threads
            let before = try Self.threadCount()
            for round in 0..<20 {
                try await Support.withCatalog(path) { catalog in
                    _ = try await catalog.openSession(creator: "c", roomID: "r", title: "t", at: Support.at(Double(round)))
                }
            }
            // Each catalog runs three threads of its own: a leak would add 60.
            #expect(try Self.threadCount() - before < 15)
            try await Support.withCatalog(path) { catalog in
                let sessions = try await catalog.sessions(CatalogFilter(limit: 100))
                #expect(sessions.count == 20)
            }
        }
    }

    @Test func aClosedCatalogRefusesCalls() async throws {
        let catalog = try await SQLiteCatalog.openInMemory()
        try await catalog.close()
        try await catalog.close()
        await #expect(throws: CatalogError(.closed, file: ":memory:")) {
            _ = try await catalog.openSession(creator: "a", roomID: "r", title: "t", at: Support.t0)
        }
        await #expect(throws: CatalogError(.closed, file: ":memory:")) {
            _ = try await catalog.sessions(CatalogFilter())
        }
    }

    static func threadCount() throws -> Int {
        try FileManager.default.contentsOfDirectory(atPath: "/proc/self/task").count
    }
}
