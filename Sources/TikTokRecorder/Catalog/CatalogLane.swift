import SQLKit

/// One database connection used by one operation at a time, in the order they asked: the writer (so that each
/// write's transaction never interleaves with another's) or the reader (so that each read's snapshot is its own).
///
/// Owns no connection: whoever opened the connection closes it after ``shutDown()``.
final class CatalogLane: Sendable {
    /// The connection.
    let database: any SQLDatabase
    /// The statement that starts this lane's transactions (e.g. `BEGIN IMMEDIATE` for the SQLite writer).
    let beginStatement: String
    /// The database file, for errors.
    let file: String
    private let gate = Gate()

    init(database: any SQLDatabase, beginStatement: String, file: String) {
        self.database = database
        self.beginStatement = beginStatement
        self.file = file
    }

    /// Runs `body` alone on the connection. Throws ``CatalogError`` `.closed` after ``shutDown()``, and wraps any
    /// other error that is not a ``CatalogError`` as `.queryFailed`.
    func run<Result: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> Result) async throws -> Result {
        try await self.gate.acquire(file: self.file)
        do {
            let result = try await body(self.database)
            await self.gate.release()
            return result
        } catch {
            await self.gate.release()
            throw self.catalogError(error)
        }
    }

    /// Runs `body` alone on the connection inside one transaction: all of it is committed, or none of it.
    func transaction<Result: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> Result) async throws -> Result {
        let begin = self.beginStatement
        return try await self.run { database in
            try await database.withSession { session in
                try await session.raw(SQLQueryString(begin)).run()
                do {
                    let result = try await body(session)
                    try await session.raw("COMMIT").run()
                    return result
                } catch {
                    try? await session.raw("ROLLBACK").run()
                    throw error
                }
            }
        }
    }

    /// Waits for the operation in progress, then refuses every later one.
    func shutDown() async {
        do {
            try await self.gate.acquire(file: self.file)
            await self.gate.close()
        } catch {
            // Already shut down.
        }
    }

    private func catalogError(_ error: any Error) -> CatalogError {
        if let error = error as? CatalogError { return error }
        return CatalogError(.queryFailed, file: self.file, detail: String(describing: error))
    }

    /// A first-come, first-served lock for async code.
    private actor Gate {
        private var busy = false
        private var closed = false
        private var waiters: [CheckedContinuation<Void, Never>] = []

        /// Waits for the lock; throws `.closed` (without holding it) once the lane is shut down.
        func acquire(file: String) async throws {
            if self.busy {
                await withCheckedContinuation { self.waiters.append($0) }
            } else {
                self.busy = true
            }
            if self.closed {
                self.release()
                throw CatalogError(.closed, file: file)
            }
        }

        /// Hands the lock to the next waiter, or frees it.
        func release() {
            if self.waiters.isEmpty {
                self.busy = false
            } else {
                self.waiters.removeFirst().resume()
            }
        }

        /// Marks the lane closed and releases the lock (held by the caller).
        func close() {
            self.closed = true
            self.release()
        }
    }
}
