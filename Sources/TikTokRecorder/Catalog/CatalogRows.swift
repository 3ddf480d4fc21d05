import Foundation
import SQLKit

/// Turns the catalog's rows into records: the column lists the reads select and the decoding of each row.
enum CatalogRows {
    /// The columns of `sessions` a ``SessionRecord`` is made of.
    static let sessionColumns = [
        "id", "creator", "first_room_id", "title", "started_at", "ended_at", "end_reason", "part_count", "media_seconds",
        "bytes", "events", "diamonds", "last_error",
    ]
    /// The columns of `parts` a ``PartRecord`` is made of (its files come from `part_files`).
    static let partColumns = [
        "id", "session_id", "part_index", "room_id", "reason", "started_at", "ended_at", "end_reason", "media_seconds",
        "bytes", "events", "diamonds", "chat_gaps", "error",
    ]
    /// The columns of `checks` a ``CheckRecord`` is made of.
    static let checkColumns = ["creator", "checked_at", "outcome", "detail", "milliseconds"]

    static func session(_ row: any SQLRow) throws -> SessionRecord {
        SessionRecord(
            id: try row.decode(column: "id", as: Int64.self),
            creator: try row.decode(column: "creator", as: String.self),
            firstRoomID: try row.decode(column: "first_room_id", as: String.self),
            title: try row.decode(column: "title", as: String.self),
            startedAt: try self.date(row, "started_at"),
            endedAt: try self.optionalDate(row, "ended_at"),
            endReason: try self.optionalString(row, "end_reason"),
            parts: try row.decode(column: "part_count", as: Int.self),
            mediaSeconds: try row.decode(column: "media_seconds", as: Double.self),
            bytes: try row.decode(column: "bytes", as: Int64.self),
            events: try row.decode(column: "events", as: Int.self),
            diamonds: try row.decode(column: "diamonds", as: Int64.self),
            lastError: try self.optionalString(row, "last_error")
        )
    }

    static func part(_ row: any SQLRow, files: [String]) throws -> PartRecord {
        PartRecord(
            id: try row.decode(column: "id", as: Int64.self),
            sessionID: try row.decode(column: "session_id", as: Int64.self),
            index: try row.decode(column: "part_index", as: Int.self),
            roomID: try row.decode(column: "room_id", as: String.self),
            reason: try row.decode(column: "reason", as: String.self),
            startedAt: try self.date(row, "started_at"),
            endedAt: try self.optionalDate(row, "ended_at"),
            endReason: try self.optionalString(row, "end_reason"),
            files: files,
            mediaSeconds: try row.decode(column: "media_seconds", as: Double.self),
            bytes: try row.decode(column: "bytes", as: Int64.self),
            events: try row.decode(column: "events", as: Int.self),
            diamonds: try row.decode(column: "diamonds", as: Int64.self),
            chatGaps: try row.decode(column: "chat_gaps", as: Int.self),
            error: try self.optionalString(row, "error")
        )
    }

    static func check(_ row: any SQLRow) throws -> CheckRecord {
        CheckRecord(
            creator: try row.decode(column: "creator", as: String.self),
            at: try self.date(row, "checked_at"),
            outcome: try row.decode(column: "outcome", as: String.self),
            detail: try self.optionalString(row, "detail"),
            milliseconds: try row.decode(column: "milliseconds", as: Int.self)
        )
    }

    static func date(_ row: any SQLRow, _ column: String) throws -> Date {
        Date(timeIntervalSince1970: try row.decode(column: column, as: Double.self))
    }

    static func optionalDate(_ row: any SQLRow, _ column: String) throws -> Date? {
        try row.decodeNil(column: column) ? nil : try self.date(row, column)
    }

    static func optionalString(_ row: any SQLRow, _ column: String) throws -> String? {
        try row.decodeNil(column: column) ? nil : try row.decode(column: column, as: String.self)
    }
}
