import Foundation

/// Every session, part, file and check. Implementations are safe to call from any task; writes are serialised.
///
/// Every method throws ``CatalogError`` when the store fails (naming the file and what to do), when an id is unknown,
/// or after ``close()``.
public protocol RecordingCatalog: Sendable {
    /// Opens a new session for `creator` at `at` and returns its id.
    func openSession(creator: String, roomID: String, title: String, at: Date) async throws -> SessionID

    /// Starts the next part of an open session (index = previous + 1). Throws when the session is unknown or closed.
    func startPart(session: SessionID, roomID: String, reason: String, files: [String], at: Date) async throws -> PartRecord

    /// Records the progress of a part being recorded: its files (replacing the list so far), its figures, and
    /// `diamonds` when not nil. `at` is the time of this update: after a crash, the part is taken to have ended then.
    /// Throws when the part is unknown or already finished.
    func updatePart(
        _ part: PartID, files: [String], mediaSeconds: Double, bytes: Int64, events: Int, diamonds: Int64?, at: Date
    ) async throws

    /// Finishes a part with its result and adds its figures to the session's totals (once: a finished part cannot
    /// be finished again). Throws when the part is unknown or already finished.
    func finishPart(_ part: PartID, _ result: PartResult) async throws

    /// Closes a session: endedAt = the last part's endedAt if any, else `at`. Parts still open are first ended as
    /// "interrupted" at their last update. Closing a closed session changes nothing; an unknown session throws.
    func closeSession(_ session: SessionID, reason: String, at: Date) async throws

    /// After a crash: every part left open gets endReason "interrupted" (endedAt = its last update) and its figures
    /// join its session's totals, and the sessions left open are returned (they stay open: the service continues
    /// them if the creator is still live, or closes them when the return window passes).
    func recoverAfterCrash(at: Date) async throws -> [SessionRecord]

    /// Keeps a check; only the newest 200 per creator are kept.
    func recordCheck(_ check: CheckRecord) async throws

    /// The newest `limit` checks of `creator` (matched without regard to case), newest first.
    func checks(creator: String, limit: Int) async throws -> [CheckRecord]

    /// The sessions `filter` selects, in its order.
    func sessions(_ filter: CatalogFilter) async throws -> [SessionRecord]

    /// One session, or nil when there is none with this id.
    func session(_ id: SessionID) async throws -> SessionRecord?

    /// A session's parts in order, with their files; empty for an unknown session.
    func parts(session: SessionID) async throws -> [PartRecord]

    /// Waits for the operations in progress, then releases the store; later calls throw. Closing twice is harmless.
    func close() async throws
}

extension RecordingCatalog {
    /// Records the progress of a part being recorded, timed now, keeping its diamonds as they are.
    /// Throws like ``updatePart(_:files:mediaSeconds:bytes:events:diamonds:at:)``.
    public func updatePart(_ part: PartID, files: [String], mediaSeconds: Double, bytes: Int64, events: Int) async throws {
        try await self.updatePart(
            part, files: files, mediaSeconds: mediaSeconds, bytes: bytes, events: events, diamonds: nil, at: Date()
        )
    }
}
