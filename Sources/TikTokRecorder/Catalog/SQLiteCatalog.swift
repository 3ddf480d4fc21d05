import Foundation
import Logging

/// The catalog in one SQLite file through sql-kit (the same queries run on PostgreSQL through postgres-kit later).
///
/// Writes are serialised on one connection, each one transaction (a process killed at any moment leaves the file
/// consistent); reads run on a second, read-only connection and do not wait for writes (WAL). Owns its connections
/// and their threads: call ``close()`` when done.
public final class SQLiteCatalog: RecordingCatalog {
    /// The database file (":memory:" for an in-memory catalog).
    public let file: String
    /// The connections (internal so that tests can look at the tables).
    let storage: CatalogSQLiteStorage
    private let store: CatalogStore

    private init(storage: CatalogSQLiteStorage) {
        self.file = storage.file
        self.storage = storage
        self.store = CatalogStore(writer: storage.writer, reader: storage.reader)
    }

    /// Opens (creating) the database and runs pending migrations. Throws `CatalogError` naming the file and the fix:
    /// `.cannotOpen` (not a database, folder not writable), `.newerSchema` (written by a newer version, left
    /// untouched), `.migrationFailed`.
    public static func open(path: String, logger: Logger = Logger(label: "tiktok-recorder.catalog")) async throws -> SQLiteCatalog {
        try await self.open(path: path, migrations: CatalogSchema.migrations, logger: logger)
    }

    /// Opens a new, empty catalog in memory (for tests); it is gone once closed. Throws like ``open(path:logger:)``.
    public static func openInMemory(logger: Logger = Logger(label: "tiktok-recorder.catalog")) async throws -> SQLiteCatalog {
        try await self.open(path: nil, migrations: CatalogSchema.migrations, logger: logger)
    }

    /// Opens with the given migrations (tests use this to play an older or newer version of the code).
    static func open(
        path: String?, migrations: [CatalogMigration], logger: Logger = Logger(label: "tiktok-recorder.catalog"), now: Date = Date()
    ) async throws -> SQLiteCatalog {
        let storage = try await CatalogSQLiteStorage.open(path: path, logger: logger)
        do {
            let applied = try await CatalogSchema.migrate(storage.writer, migrations: migrations, now: now)
            if applied > 0 {
                logger.info("catalog: schema upgraded", metadata: ["file": "\(storage.file)", "migrations": "\(applied)"])
            }
        } catch {
            try? await storage.close()
            throw error
        }
        return SQLiteCatalog(storage: storage)
    }

    /// See ``RecordingCatalog/openSession(creator:roomID:title:at:)``.
    public func openSession(creator: String, roomID: String, title: String, at: Date) async throws -> SessionID {
        try await self.store.openSession(creator: creator, roomID: roomID, title: title, at: at)
    }

    /// See ``RecordingCatalog/startPart(session:roomID:reason:files:at:)``.
    public func startPart(session: SessionID, roomID: String, reason: String, files: [String], at: Date) async throws -> PartRecord {
        try await self.store.startPart(session: session, roomID: roomID, reason: reason, files: files, at: at)
    }

    /// See ``RecordingCatalog/updatePart(_:files:mediaSeconds:bytes:events:diamonds:at:)``.
    public func updatePart(
        _ part: PartID, files: [String], mediaSeconds: Double, bytes: Int64, events: Int, diamonds: Int64?, at: Date
    ) async throws {
        try await self.store.updatePart(
            part, files: files, mediaSeconds: mediaSeconds, bytes: bytes, events: events, diamonds: diamonds, at: at
        )
    }

    /// See ``RecordingCatalog/finishPart(_:_:)``.
    public func finishPart(_ part: PartID, _ result: PartResult) async throws {
        try await self.store.finishPart(part, result)
    }

    /// See ``RecordingCatalog/closeSession(_:reason:at:)``.
    public func closeSession(_ session: SessionID, reason: String, at: Date) async throws {
        try await self.store.closeSession(session, reason: reason, at: at)
    }

    /// See ``RecordingCatalog/recoverAfterCrash(at:)``.
    public func recoverAfterCrash(at: Date) async throws -> [SessionRecord] {
        try await self.store.recoverAfterCrash(at: at)
    }

    /// See ``RecordingCatalog/recordCheck(_:)``.
    public func recordCheck(_ check: CheckRecord) async throws {
        try await self.store.recordCheck(check)
    }

    /// See ``RecordingCatalog/checks(creator:limit:)``.
    public func checks(creator: String, limit: Int) async throws -> [CheckRecord] {
        try await self.store.checks(creator: creator, limit: limit)
    }

    /// See ``RecordingCatalog/sessions(_:)``.
    public func sessions(_ filter: CatalogFilter) async throws -> [SessionRecord] {
        try await self.store.sessions(filter)
    }

    /// See ``RecordingCatalog/session(_:)``.
    public func session(_ id: SessionID) async throws -> SessionRecord? {
        try await self.store.session(id)
    }

    /// See ``RecordingCatalog/parts(session:)``.
    public func parts(session: SessionID) async throws -> [PartRecord] {
        try await self.store.parts(session: session)
    }

    /// Waits for the operations in progress, closes both connections and stops the catalog's threads.
    public func close() async throws {
        try await self.storage.close()
    }
}
