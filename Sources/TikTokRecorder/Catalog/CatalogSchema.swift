import Foundation
import SQLKit

/// One step of the catalog's schema, applied once, in its own transaction.
struct CatalogMigration: Sendable {
    /// The schema version this step brings the database to (1, 2, …).
    let version: Int
    /// What it changes, for the log.
    let summary: String
    /// The statements (portable SQL through sql-kit).
    let apply: @Sendable (any SQLDatabase) async throws -> Void

    /// A step that runs `apply`.
    init(version: Int, summary: String, apply: @escaping @Sendable (any SQLDatabase) async throws -> Void) {
        self.version = version
        self.summary = summary
        self.apply = apply
    }

    /// A step made of plain SQL statements, run in order (keep them portable: no SQLite-only syntax).
    init(version: Int, summary: String, statements: [String]) {
        self.init(version: version, summary: summary) { database in
            for statement in statements {
                try await database.raw(SQLQueryString(statement)).run()
            }
        }
    }
}

/// The catalog's tables and their versioned migrations, in portable SQL (SQLite now, PostgreSQL later).
///
/// Timestamps are stored as `DOUBLE PRECISION` unix seconds (UTC); ids and counters are `BIGINT`. The version of
/// every migration applied is in `schema_migrations(version, applied_at)`.
enum CatalogSchema {
    /// Unix seconds: `REAL` affinity on SQLite, 8-byte float on PostgreSQL (plain `REAL` is 4 bytes there).
    static let timestamp = SQLDataType.custom(SQLRaw("DOUBLE PRECISION"))

    /// Every migration, oldest first. Append new ones; never edit one that was released.
    static let migrations: [CatalogMigration] = [
        CatalogMigration(version: 1, summary: "sessions, parts, part files and checks", apply: Self.createFirstTables)
    ]

    /// Brings the database to the newest version of `migrations`, applying each pending step once in its own
    /// transaction, and returns how many were applied. Throws ``CatalogError`` `.newerSchema` for a database newer
    /// than `migrations` (touching nothing), `.migrationFailed` when a step fails (rolled back).
    @discardableResult
    static func migrate(_ lane: CatalogLane, migrations: [CatalogMigration] = Self.migrations, now: Date) async throws -> Int {
        let supported = migrations.map(\.version).max() ?? 0
        let file = lane.file
        let current = try await lane.transaction { database in
            try await database.create(table: "schema_migrations").ifNotExists()
                .column("version", type: .bigint, .primaryKey(autoIncrement: false))
                .column("applied_at", type: Self.timestamp, .notNull)
                .run()
            return try await Self.currentVersion(database)
        }
        guard current <= supported else {
            throw CatalogError(.newerSchema(found: current, supported: supported), file: file)
        }
        var applied = 0
        for migration in migrations.sorted(by: { $0.version < $1.version }) where migration.version > current {
            do {
                let didApply = try await lane.transaction { database in
                    // Another process may have applied it since the version was read.
                    guard try await Self.currentVersion(database) < migration.version else { return false }
                    try await migration.apply(database)
                    try await database.insert(into: "schema_migrations")
                        .columns("version", "applied_at")
                        .values(SQLBind(Int64(migration.version)), SQLBind(now.timeIntervalSince1970))
                        .run()
                    return true
                }
                applied += didApply ? 1 : 0
            } catch {
                throw CatalogError(
                    .migrationFailed(version: migration.version), file: file,
                    detail: CatalogSQLiteStorage.describe(error)
                )
            }
        }
        return applied
    }

    /// One applied migration, as `schema_migrations` records it.
    struct AppliedMigration: Sendable, Equatable {
        var version: Int
        var appliedAt: Date
    }

    /// Every migration applied to the database, oldest first.
    static func applied(_ lane: CatalogLane) async throws -> [AppliedMigration] {
        try await lane.run { database in
            let rows = try await database.select().columns("version", "applied_at").from("schema_migrations")
                .orderBy("version").all()
            return try rows.map { row in
                AppliedMigration(
                    version: try row.decode(column: "version", as: Int.self),
                    appliedAt: Date(timeIntervalSince1970: try row.decode(column: "applied_at", as: Double.self))
                )
            }
        }
    }

    /// The highest version applied, 0 for a new database.
    static func currentVersion(_ database: any SQLDatabase) async throws -> Int {
        let row = try await database.select()
            .column(SQLFunction("MAX", args: SQLColumn("version")), as: "version")
            .from("schema_migrations")
            .first()
        guard let row, try !row.decodeNil(column: "version") else { return 0 }
        return try row.decode(column: "version", as: Int.self)
    }

    /// Version 1: sessions, their parts, the parts' files, and the bounded history of checks.
    @Sendable
    static func createFirstTables(_ database: any SQLDatabase) async throws {
        try await database.create(table: "sessions")
            .column("id", type: .bigint, .primaryKey(autoIncrement: true))
            .column("creator", type: .text, .notNull)
            .column("creator_key", type: .text, .notNull)
            .column("first_room_id", type: .text, .notNull)
            .column("title", type: .text, .notNull)
            .column("started_at", type: Self.timestamp, .notNull)
            .column("ended_at", type: Self.timestamp)
            .column("end_reason", type: .text)
            .column("part_count", type: .bigint, .notNull, .default(0))
            .column("media_seconds", type: Self.timestamp, .notNull, .default(0))
            .column("bytes", type: .bigint, .notNull, .default(0))
            .column("events", type: .bigint, .notNull, .default(0))
            .column("diamonds", type: .bigint, .notNull, .default(0))
            .column("last_error", type: .text)
            .run()
        try await database.create(index: "sessions_by_creator").on("sessions").column("creator_key").column("started_at").run()
        try await database.create(index: "sessions_by_start").on("sessions").column("started_at").run()
        try await database.create(index: "sessions_by_end").on("sessions").column("ended_at").run()

        try await database.create(table: "parts")
            .column("id", type: .bigint, .primaryKey(autoIncrement: true))
            .column("session_id", type: .bigint, .notNull, .references("sessions", "id"))
            .column("part_index", type: .bigint, .notNull)
            .column("room_id", type: .text, .notNull)
            .column("reason", type: .text, .notNull)
            .column("started_at", type: Self.timestamp, .notNull)
            .column("updated_at", type: Self.timestamp, .notNull)
            .column("ended_at", type: Self.timestamp)
            .column("end_reason", type: .text)
            .column("media_seconds", type: Self.timestamp, .notNull, .default(0))
            .column("bytes", type: .bigint, .notNull, .default(0))
            .column("events", type: .bigint, .notNull, .default(0))
            .column("diamonds", type: .bigint, .notNull, .default(0))
            .column("chat_gaps", type: .bigint, .notNull, .default(0))
            .column("error", type: .text)
            .unique("session_id", "part_index")
            .run()
        try await database.create(index: "parts_by_end").on("parts").column("ended_at").run()

        try await database.create(table: "part_files")
            .column("part_id", type: .bigint, .notNull, .references("parts", "id", onDelete: .cascade))
            .column("position", type: .bigint, .notNull)
            .column("path", type: .text, .notNull)
            .primaryKey("part_id", "position")
            .run()

        try await database.create(table: "checks")
            .column("id", type: .bigint, .primaryKey(autoIncrement: true))
            .column("creator", type: .text, .notNull)
            .column("creator_key", type: .text, .notNull)
            .column("checked_at", type: Self.timestamp, .notNull)
            .column("outcome", type: .text, .notNull)
            .column("detail", type: .text)
            .column("milliseconds", type: .bigint, .notNull)
            .run()
        try await database.create(index: "checks_by_creator").on("checks").column("creator_key").column("checked_at").run()
    }
}
