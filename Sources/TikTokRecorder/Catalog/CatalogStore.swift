import Foundation
import SQLKit

/// The catalog's operations in portable SQL through sql-kit, independent of the database behind the two lanes:
/// every write is one transaction on the writer lane, every read one snapshot on the reader lane.
struct CatalogStore: Sendable {
    /// Where every write goes, one at a time.
    let writer: CatalogLane
    /// Where reads go; they do not wait for writes.
    let reader: CatalogLane
    /// How many checks are kept per creator.
    static let checksKeptPerCreator = 200
    /// The end reason of a part left open by a crash or a session closed under it.
    static let interruptedReason = "interrupted"

    private var file: String { self.writer.file }

    func openSession(creator: String, roomID: String, title: String, at: Date) async throws -> SessionID {
        try await self.writer.transaction { database in
            let id = try await database.insert(into: "sessions")
                .columns("creator", "creator_key", "first_room_id", "title", "started_at")
                .values(
                    Self.text(creator), Self.text(Self.key(creator)), Self.text(roomID), Self.text(title),
                    SQLBind(at.timeIntervalSince1970)
                )
                .returning("id")
                .first(decodingColumn: "id", as: Int64.self)
            guard let id else { throw CatalogError(.queryFailed, file: self.file, detail: "no id was returned for the new session") }
            return id
        }
    }

    func startPart(session: SessionID, roomID: String, reason: String, files: [String], at: Date) async throws -> PartRecord {
        try await self.writer.transaction { database in
            let row = try await database.select().columns("ended_at", "part_count").from("sessions")
                .where("id", .equal, session).first()
            guard let row else { throw CatalogError(.unknownSession(session), file: self.file) }
            guard try row.decodeNil(column: "ended_at") else { throw CatalogError(.sessionClosed(session), file: self.file) }
            let index = try row.decode(column: "part_count", as: Int.self) + 1
            try await database.update("sessions").set("part_count", to: Int64(index)).where("id", .equal, session).run()
            let id = try await database.insert(into: "parts")
                .columns("session_id", "part_index", "room_id", "reason", "started_at", "updated_at")
                .values(
                    SQLBind(session), SQLBind(Int64(index)), Self.text(roomID), Self.text(reason),
                    SQLBind(at.timeIntervalSince1970), SQLBind(at.timeIntervalSince1970)
                )
                .returning("id")
                .first(decodingColumn: "id", as: Int64.self)
            guard let id else { throw CatalogError(.queryFailed, file: self.file, detail: "no id was returned for the new part") }
            try await Self.replaceFiles(of: id, with: files, in: database)
            return PartRecord(id: id, sessionID: session, index: index, roomID: roomID, reason: reason, startedAt: at, files: files)
        }
    }

    func updatePart(
        _ part: PartID, files: [String], mediaSeconds: Double, bytes: Int64, events: Int, diamonds: Int64?, at: Date
    ) async throws {
        try await self.writer.transaction { database in
            var update = database.update("parts")
                .set("media_seconds", to: mediaSeconds)
                .set("bytes", to: bytes)
                .set("events", to: Int64(events))
                .set("updated_at", to: at.timeIntervalSince1970)
            if let diamonds { update = update.set("diamonds", to: diamonds) }
            let updated = try await update.where("id", .equal, part).where(SQLColumn("ended_at"), .is, SQLLiteral.null)
                .returning("id").first()
            guard updated != nil else { throw try await self.whyPartCannotChange(part, in: database) }
            try await Self.replaceFiles(of: part, with: files, in: database)
        }
    }

    func finishPart(_ part: PartID, _ result: PartResult) async throws {
        try await self.writer.transaction { database in
            let session = try await database.update("parts")
                .set("ended_at", to: result.endedAt.timeIntervalSince1970)
                .set("updated_at", to: result.endedAt.timeIntervalSince1970)
                .set("end_reason", to: Self.text(result.endReason))
                .set("media_seconds", to: result.mediaSeconds)
                .set("bytes", to: result.bytes)
                .set("events", to: Int64(result.events))
                .set("diamonds", to: result.diamonds)
                .set("chat_gaps", to: Int64(result.chatGaps))
                .set("error", to: Self.nullable(result.error))
                .where("id", .equal, part).where(SQLColumn("ended_at"), .is, SQLLiteral.null)
                .returning("session_id")
                .first(decodingColumn: "session_id", as: Int64.self)
            guard let session else { throw try await self.whyPartCannotChange(part, in: database) }
            try await Self.replaceFiles(of: part, with: result.files, in: database)
            try await Self.addToSession(
                session, figures: PartFigures(result), error: result.error, in: database
            )
        }
    }

    func closeSession(_ session: SessionID, reason: String, at: Date) async throws {
        try await self.writer.transaction { database in
            let row = try await database.select().column("ended_at").from("sessions").where("id", .equal, session).first()
            guard let row else { throw CatalogError(.unknownSession(session), file: self.file) }
            guard try row.decodeNil(column: "ended_at") else { return }
            try await Self.interruptOpenParts(of: session, note: nil, in: database)
            let lastPartEnd = try await database.select().column("ended_at").from("parts")
                .where("session_id", .equal, session)
                .orderBy("part_index", .descending).limit(1)
                .first(decodingColumn: "ended_at", as: Double.self)
            try await database.update("sessions")
                .set("ended_at", to: lastPartEnd ?? at.timeIntervalSince1970)
                .set("end_reason", to: Self.text(reason))
                .where("id", .equal, session)
                .run()
        }
    }

    func recoverAfterCrash(at: Date) async throws -> [SessionRecord] {
        let note = "the recorder stopped while recording this part (recovered \(Self.isoFormat(at)))"
        return try await self.writer.transaction { database in
            try await Self.interruptOpenParts(of: nil, note: note, in: database)
            let rows = try await database.select().columns(CatalogRows.sessionColumns).from("sessions")
                .where(SQLColumn("ended_at"), .is, SQLLiteral.null)
                .orderBy("started_at").orderBy("id")
                .all()
            return try rows.map(CatalogRows.session)
        }
    }

    func recordCheck(_ check: CheckRecord) async throws {
        let key = Self.key(check.creator)
        try await self.writer.transaction { database in
            try await database.insert(into: "checks")
                .columns("creator", "creator_key", "checked_at", "outcome", "detail", "milliseconds")
                .values(
                    Self.text(check.creator), Self.text(key), SQLBind(check.at.timeIntervalSince1970), Self.text(check.outcome),
                    Self.nullable(check.detail), SQLBind(Int64(check.milliseconds))
                )
                .run()
            // The newest check that no longer fits; it and everything older go.
            let cutoff = try await database.select().columns("id", "checked_at").from("checks")
                .where("creator_key", .equal, key)
                .orderBy("checked_at", .descending).orderBy("id", .descending)
                .offset(Self.checksKeptPerCreator).limit(1)
                .first()
            guard let cutoff else { return }
            let cutoffAt = try cutoff.decode(column: "checked_at", as: Double.self)
            let cutoffID = try cutoff.decode(column: "id", as: Int64.self)
            try await database.delete(from: "checks")
                .where("creator_key", .equal, key)
                .where(group: { older in
                    older.where("checked_at", .lessThan, cutoffAt).orWhere(group: { tie in
                        tie.where("checked_at", .equal, cutoffAt).where("id", .lessThanOrEqual, cutoffID)
                    })
                })
                .run()
        }
    }

    // MARK: - Helpers inside a write transaction

    /// The figures a part adds to its session.
    struct PartFigures {
        var mediaSeconds: Double
        var bytes: Int64
        var events: Int64
        var diamonds: Int64

        init(_ result: PartResult) {
            self.mediaSeconds = result.mediaSeconds
            self.bytes = result.bytes
            self.events = Int64(result.events)
            self.diamonds = result.diamonds
        }

        init(row: any SQLRow) throws {
            self.mediaSeconds = try row.decode(column: "media_seconds", as: Double.self)
            self.bytes = try row.decode(column: "bytes", as: Int64.self)
            self.events = try row.decode(column: "events", as: Int64.self)
            self.diamonds = try row.decode(column: "diamonds", as: Int64.self)
        }
    }

    /// Adds a finished part's figures to its session's totals; a part's error becomes the session's last error.
    static func addToSession(_ session: SessionID, figures: PartFigures, error: String?, in database: any SQLDatabase) async throws {
        var update = database.update("sessions")
            .set("media_seconds", to: Self.increment("media_seconds", by: figures.mediaSeconds))
            .set("bytes", to: Self.increment("bytes", by: figures.bytes))
            .set("events", to: Self.increment("events", by: figures.events))
            .set("diamonds", to: Self.increment("diamonds", by: figures.diamonds))
        if let error { update = update.set("last_error", to: Self.text(error)) }
        try await update.where("id", .equal, session).run()
    }

    /// Ends the open parts of `session` (of every session when nil) as "interrupted" at their last update, adding
    /// their figures to their sessions; `note` becomes their error when they have none.
    static func interruptOpenParts(of session: SessionID?, note: String?, in database: any SQLDatabase) async throws {
        var query = database.select().columns("id", "session_id", "media_seconds", "bytes", "events", "diamonds")
            .from("parts").where(SQLColumn("ended_at"), .is, SQLLiteral.null)
        if let session { query = query.where("session_id", .equal, session) }
        for row in try await query.orderBy("id").all() {
            let part = try row.decode(column: "id", as: Int64.self)
            let owner = try row.decode(column: "session_id", as: Int64.self)
            var update = database.update("parts")
                .set("ended_at", to: SQLColumn("updated_at"))
                .set("end_reason", to: Self.interruptedReason)
            if let note {
                update = update.set("error", to: SQLFunction("COALESCE", args: SQLColumn("error"), Self.text(note)))
            }
            try await update.where("id", .equal, part).run()
            try await Self.addToSession(owner, figures: PartFigures(row: row), error: nil, in: database)
        }
    }

    /// Replaces a part's file list, keeping the given order.
    static func replaceFiles(of part: PartID, with files: [String], in database: any SQLDatabase) async throws {
        try await database.delete(from: "part_files").where("part_id", .equal, part).run()
        guard !files.isEmpty else { return }
        var insert = database.insert(into: "part_files").columns("part_id", "position", "path")
        for (position, path) in files.enumerated() {
            insert = insert.values(SQLBind(part), SQLBind(Int64(position)), Self.text(path))
        }
        try await insert.run()
    }

    /// The error for a part that an update or finish did not find open.
    func whyPartCannotChange(_ part: PartID, in database: any SQLDatabase) async throws -> CatalogError {
        let exists = try await database.select().column("id").from("parts").where("id", .equal, part).first() != nil
        return CatalogError(exists ? .partFinished(part) : .unknownPart(part), file: self.file)
    }

    /// `column + amount`, evaluated by the database (so concurrent processes never lose an addition).
    static func increment(_ column: String, by amount: some Encodable & Sendable) -> any SQLExpression {
        SQLBinaryExpression(SQLColumn(column), .add, SQLBind(amount))
    }

    /// A bound text, or SQL NULL.
    static func nullable(_ value: String?) -> any SQLExpression {
        value.map(Self.text) ?? SQLLiteral.null
    }

    /// A bound text. NUL characters become U+FFFD: SQLite would cut the text there and PostgreSQL refuses it.
    static func text(_ value: String) -> SQLBind {
        SQLBind(value.contains("\u{0}") ? value.replacingOccurrences(of: "\u{0}", with: "\u{FFFD}") : value)
    }

    /// How creators are matched: without regard to case (TikTok usernames are case-insensitive).
    static func key(_ creator: String) -> String {
        creator.lowercased().replacingOccurrences(of: "\u{0}", with: "\u{FFFD}")
    }

    static func isoFormat(_ date: Date) -> String {
        date.formatted(.iso8601)
    }
}
