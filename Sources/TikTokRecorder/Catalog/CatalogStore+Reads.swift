import Foundation
import SQLKit

extension CatalogStore {
    func checks(creator: String, limit: Int) async throws -> [CheckRecord] {
        guard limit > 0 else { return [] }
        let key = Self.key(creator)
        return try await self.reader.run { database in
            let rows = try await database.select().columns(CatalogRows.checkColumns).from("checks")
                .where("creator_key", .equal, key)
                .orderBy("checked_at", .descending).orderBy("id", .descending)
                .limit(limit)
                .all()
            return try rows.map(CatalogRows.check)
        }
    }

    func sessions(_ filter: CatalogFilter) async throws -> [SessionRecord] {
        guard filter.limit > 0 else { return [] }
        return try await self.reader.transaction { database in
            var query = database.select().columns(CatalogRows.sessionColumns).from("sessions")
            if let creator = filter.creator { query = query.where("creator_key", .equal, Self.key(creator)) }
            if let from = filter.from { query = query.where("started_at", .greaterThanOrEqual, from.timeIntervalSince1970) }
            if let to = filter.to { query = query.where("started_at", .lessThan, to.timeIntervalSince1970) }
            let direction: SQLDirection = filter.newestFirst ? .descending : .ascending
            let rows = try await query.orderBy("started_at", direction).orderBy("id", direction).limit(filter.limit).all()
            return try await Self.withOpenPartProgress(try rows.map(CatalogRows.session), in: database)
        }
    }

    func session(_ id: SessionID) async throws -> SessionRecord? {
        try await self.reader.transaction { database in
            let row = try await database.select().columns(CatalogRows.sessionColumns).from("sessions")
                .where("id", .equal, id).first()
            guard let row else { return nil }
            return try await Self.withOpenPartProgress([try CatalogRows.session(row)], in: database).first
        }
    }

    func parts(session: SessionID) async throws -> [PartRecord] {
        try await self.reader.transaction { database in
            let partRows = try await database.select().columns(CatalogRows.partColumns).from("parts")
                .where("session_id", .equal, session)
                .orderBy("part_index")
                .all()
            guard !partRows.isEmpty else { return [] }
            let fileRows = try await database.select()
                .column(SQLColumn("part_id", table: "part_files"))
                .column(SQLColumn("path", table: "part_files"))
                .from("part_files")
                .join("parts", on: SQLColumn("id", table: "parts"), .equal, SQLColumn("part_id", table: "part_files"))
                .where(SQLColumn("session_id", table: "parts"), .equal, SQLBind(session))
                .orderBy(SQLColumn("part_id", table: "part_files"))
                .orderBy(SQLColumn("position", table: "part_files"))
                .all()
            var files: [PartID: [String]] = [:]
            for row in fileRows {
                files[try row.decode(column: "part_id", as: Int64.self), default: []].append(
                    try row.decode(column: "path", as: String.self))
            }
            return try partRows.map { row in
                try CatalogRows.part(row, files: files[try row.decode(column: "id", as: Int64.self)] ?? [])
            }
        }
    }

    /// Adds the latest progress of the parts still being recorded to their open sessions' totals (the stored
    /// totals hold finished parts only).
    static func withOpenPartProgress(_ sessions: [SessionRecord], in database: any SQLDatabase) async throws -> [SessionRecord] {
        let open = sessions.filter(\.isOpen).map(\.id)
        guard !open.isEmpty else { return sessions }
        let rows = try await database.select()
            .columns("session_id", "media_seconds", "bytes", "events", "diamonds")
            .from("parts")
            .where(SQLColumn("ended_at"), .is, SQLLiteral.null)
            .where("session_id", .in, open)
            .all()
        var byID = Dictionary(uniqueKeysWithValues: sessions.map { ($0.id, $0) })
        for row in rows {
            let id = try row.decode(column: "session_id", as: Int64.self)
            let figures = try PartFigures(row: row)
            byID[id]?.mediaSeconds += figures.mediaSeconds
            byID[id]?.bytes += figures.bytes
            byID[id]?.events += Int(figures.events)
            byID[id]?.diamonds += figures.diamonds
        }
        return sessions.map { byID[$0.id] ?? $0 }
    }
}
