import Logging

// Opening a room's event feed (protocol.md §3).

extension TikTokLiveClient {
    /// Opens the room's event feed and hands `body` the stream of its events.
    ///
    /// The feed runs in a child task for as long as `body` runs; when `body` returns the feed is closed.
    /// The sequence ends when TikTok closes the socket (after the stream ends) and throws if the connection fails.
    /// Events are de-duplicated by message id. The sequence buffers without limit: consume it promptly.
    public func withLiveEvents<Result: Sendable>(
        roomID: String,
        _ body: (AsyncThrowingStream<LiveEvent, any Error>) async throws -> Result
    ) async throws -> Result {
        let (events, continuation) = AsyncThrowingStream.makeStream(of: LiveEvent.self)
        let connection = WebcastConnection(roomID: roomID, configuration: self.configuration, http: self.http, logger: self.logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                do {
                    try await connection.run { continuation.yield($0) }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            defer { group.cancelAll() }
            return try await body(events)
        }
    }
}
