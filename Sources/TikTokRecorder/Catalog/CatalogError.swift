/// A catalog failure: names the database file, what went wrong and what to do about it.
public struct CatalogError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What went wrong.
    public enum Kind: Sendable, Equatable {
        /// The file could not be opened, created or read as a database.
        case cannotOpen
        /// The file was written by a newer version of tiktok-recorder (its schema version is `found`).
        case newerSchema(found: Int, supported: Int)
        /// Upgrading the file's schema to `version` failed (nothing of that step was kept).
        case migrationFailed(version: Int)
        /// No session has this id.
        case unknownSession(SessionID)
        /// The session is closed: no part can start in it.
        case sessionClosed(SessionID)
        /// No part has this id.
        case unknownPart(PartID)
        /// The part is already finished (or was interrupted): it cannot change any more.
        case partFinished(PartID)
        /// A read or write failed.
        case queryFailed
        /// The catalog was closed.
        case closed
    }

    /// What went wrong.
    public var kind: Kind
    /// The database file (":memory:" for an in-memory catalog).
    public var file: String
    /// The underlying error, if any.
    public var detail: String
    /// What to do about it.
    public var remedy: String

    /// Creates an error; `remedy` defaults to the usual advice for `kind`.
    public init(_ kind: Kind, file: String, detail: String = "", remedy: String? = nil) {
        self.kind = kind
        self.file = file
        self.detail = detail
        self.remedy = remedy ?? Self.defaultRemedy(kind)
    }

    /// One sentence naming the file, the problem, the underlying error and the fix.
    public var description: String {
        let cause = self.detail.isEmpty ? "" : " (\(self.detail))"
        return "catalog \(self.file): \(self.problem)\(cause). \(self.remedy)"
    }

    /// The problem in words.
    var problem: String {
        switch self.kind {
        case .cannotOpen: "cannot be opened as a recording catalog"
        case .newerSchema(let found, let supported):
            "was written by a newer tiktok-recorder (schema version \(found); this version knows up to \(supported))"
        case .migrationFailed(let version): "upgrading the schema to version \(version) failed and was rolled back"
        case .unknownSession(let id): "there is no session \(id)"
        case .sessionClosed(let id): "session \(id) is closed"
        case .unknownPart(let id): "there is no part \(id)"
        case .partFinished(let id): "part \(id) is already finished"
        case .queryFailed: "a read or write failed"
        case .closed: "the catalog is closed"
        }
    }

    static func defaultRemedy(_ kind: Kind) -> String {
        switch kind {
        case .cannotOpen:
            "Check that the folder exists and is writable and that the file is a SQLite database; "
                + "move a damaged file aside and a new catalog is created."
        case .newerSchema:
            "Upgrade tiktok-recorder, or point --output at another folder (this file is left untouched)."
        case .migrationFailed:
            "Check free disk space and permissions, then start again; the file is still usable by the previous version."
        case .unknownSession, .unknownPart:
            "This is a bug in the caller: use an id the catalog returned."
        case .sessionClosed:
            "Open a new session for the creator instead."
        case .partFinished:
            "Start a new part instead; a finished part keeps its figures."
        case .queryFailed:
            "Check free disk space and that no other program holds the file; the catalog keeps what was committed."
        case .closed:
            "Open the catalog again."
        }
    }
}
