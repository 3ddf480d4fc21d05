import Foundation
import Logging
import NIOCore
import NIOPosix
import SQLKit
import SQLiteKit
import SQLiteNIO

/// Everything SQLite-specific about the catalog, in one place: opening the file, its pragmas (WAL, `synchronous`,
/// foreign keys, busy timeout), the statement that starts a write transaction, and the threads the connections run
/// on. The queries themselves (``CatalogStore``, ``CatalogSchema``) are portable SQL through sql-kit.
///
/// Owns one writer connection and one read-only reader connection (a single connection for an in-memory
/// database), the thread pool that runs libsqlite3's blocking calls and the event loop group the connections
/// need; ``close()`` releases all of them.
final class CatalogSQLiteStorage: Sendable {
    /// The database file (":memory:" for an in-memory catalog).
    let file: String
    /// The connection every write goes through, one operation at a time.
    let writer: CatalogLane
    /// The connection reads go through (the writer's, in memory): reads do not wait for writes.
    let reader: CatalogLane
    private let connections: [SQLiteConnection]
    private let threadPool: NIOThreadPool
    private let eventLoopGroup: MultiThreadedEventLoopGroup

    /// How long a statement waits for another process's lock before failing.
    static let busyTimeoutMilliseconds = 10_000
    /// Write transactions take the write lock at once, so two writers never deadlock upgrading a read lock.
    static let beginWrite = "BEGIN IMMEDIATE"
    /// Read transactions: a snapshot from the first read to the commit.
    static let beginRead = "BEGIN"

    private init(
        file: String, writer: CatalogLane, reader: CatalogLane, connections: [SQLiteConnection], threadPool: NIOThreadPool,
        eventLoopGroup: MultiThreadedEventLoopGroup
    ) {
        self.file = file
        self.writer = writer
        self.reader = reader
        self.connections = connections
        self.threadPool = threadPool
        self.eventLoopGroup = eventLoopGroup
    }

    /// Opens (creating) the database at `path`, or an in-memory database when `path` is nil. Creates the file's
    /// folder if needed. Throws ``CatalogError`` `.cannotOpen` naming the file; nothing stays open then.
    static func open(path: String?, logger: Logger) async throws -> CatalogSQLiteStorage {
        let file = path ?? ":memory:"
        let threadPool = NIOThreadPool(numberOfThreads: 2)
        threadPool.start()
        let eventLoopGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        var connections: [SQLiteConnection] = []
        do {
            let storage: SQLiteConnection.Storage
            if let path {
                let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                storage = .file(path: path)
            } else {
                storage = .memory
            }
            let writerConnection = try await SQLiteConnection.open(
                storage: storage, threadPool: threadPool, logger: logger, on: eventLoopGroup.next()
            )
            connections.append(writerConnection)
            let writerDatabase = writerConnection.sql(queryLogLevel: .trace)
            try await self.configureWriter(writerDatabase, inMemory: path == nil, logger: logger, file: file)
            let writer = CatalogLane(database: writerDatabase, beginStatement: Self.beginWrite, file: file)
            var reader = writer
            if path != nil {
                let readerConnection = try await SQLiteConnection.open(
                    storage: storage, threadPool: threadPool, logger: logger, on: eventLoopGroup.next()
                )
                connections.append(readerConnection)
                let readerDatabase = readerConnection.sql(queryLogLevel: .trace)
                try await readerDatabase.raw("PRAGMA busy_timeout = \(unsafeRaw: String(Self.busyTimeoutMilliseconds))").run()
                try await readerDatabase.raw("PRAGMA query_only = ON").run()
                reader = CatalogLane(database: readerDatabase, beginStatement: Self.beginRead, file: file)
            }
            return CatalogSQLiteStorage(
                file: file, writer: writer, reader: reader, connections: connections, threadPool: threadPool,
                eventLoopGroup: eventLoopGroup
            )
        } catch {
            await Self.release(connections: connections, threadPool: threadPool, eventLoopGroup: eventLoopGroup)
            throw CatalogError(.cannotOpen, file: file, detail: Self.describe(error))
        }
    }

    /// WAL (readers never wait for the writer, and a killed process leaves only committed transactions),
    /// `synchronous=NORMAL` (no fsync per commit; a power cut may lose the last commits, never consistency),
    /// foreign keys enforced, and a bounded wait for other processes' locks instead of sqlite-nio's endless one.
    private static func configureWriter(_ database: any SQLDatabase, inMemory: Bool, logger: Logger, file: String) async throws {
        try await database.raw("PRAGMA busy_timeout = \(unsafeRaw: String(Self.busyTimeoutMilliseconds))").run()
        let mode = try await database.raw("PRAGMA journal_mode = WAL").first()
        let journal = (try? mode?.decode(column: "journal_mode", as: String.self)) ?? "unknown"
        if !inMemory && journal.lowercased() != "wal" {
            logger.warning(
                "catalog: WAL journal mode is not available; readers will wait for writes",
                metadata: ["file": "\(file)", "journal_mode": "\(journal)"]
            )
        }
        try await database.raw("PRAGMA synchronous = NORMAL").run()
        try await database.raw("PRAGMA foreign_keys = ON").run()
    }

    /// Waits for the operations in progress, closes the connections, then stops the threads.
    func close() async throws {
        await self.writer.shutDown()
        await self.reader.shutDown()
        await Self.release(connections: self.connections, threadPool: self.threadPool, eventLoopGroup: self.eventLoopGroup)
    }

    private static func release(
        connections: [SQLiteConnection], threadPool: NIOThreadPool, eventLoopGroup: MultiThreadedEventLoopGroup
    ) async {
        for connection in connections.reversed() where !connection.isClosed {
            try? await connection.close()
        }
        try? await threadPool.shutdownGracefully()
        try? await eventLoopGroup.shutdownGracefully()
    }

    /// SQLite's own message when there is one ("file is not a database"), else the error's description.
    static func describe(_ error: any Error) -> String {
        if let error = error as? SQLiteError { return error.message }
        if let error = error as? CatalogError { return error.detail }
        return String(describing: error)
    }
}
