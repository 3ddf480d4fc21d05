import Synchronization

/// One tracked live room: its info, and its events as an `AsyncSequence`, for as long as the live lasts.
///
/// Returned by ``TikTokLiveClient/trackRoom(roomID:)`` and ``TikTokLiveClient/trackUser(username:)``. Nothing runs until
/// ``run()`` is awaited, in a task of the caller's choosing (a task group child, or a service), so the connection is
/// always part of structured concurrency:
///
/// ```swift
/// let live = try await client.trackUser(username: "someone")
/// try await withThrowingTaskGroup(of: Void.self) { group in
///     group.addTask { try await live.run() }
///     for try await event in live.events { print(event.type) }
/// }
/// ```
///
/// ``events`` ends when the stream ends (control action 3 or 4, or the socket dropping, each confirmed by
/// `check_alive`), when ``close()`` is called, or when ``run()`` is cancelled; it throws when the feed fails for good.
/// Events are de-duplicated by message id; gift streaks are counted once (see ``GiftStreakTracker``). The sequence
/// buffers without limit: consume it promptly.
public final class Live: Sendable {
    /// The room's id.
    public let roomID: String
    /// The room's info when tracking began (title, owner, stream variants), if it was fetched.
    public let roomInfo: RoomInfo?
    /// The gift catalogue when tracking began (id, name, price in diamonds, streakable), empty if it was not fetched.
    public let gifts: [GiftInfo]
    /// The room's events.
    public let events: AsyncThrowingStream<LiveEvent, any Error>

    private let continuation: AsyncThrowingStream<LiveEvent, any Error>.Continuation
    private let connection: WebcastConnection
    private let trace: WebSocketTraceWriter?
    private let closeRequests: AsyncStream<Void>
    private let closeContinuation: AsyncStream<Void>.Continuation
    private let started = Mutex(false)
    /// Counts each gift once: at its streak's end, or closed as unconfirmed after a timeout or at the end.
    private let streaks = Mutex(GiftStreakTracker())

    init(
        roomID: String, roomInfo: RoomInfo?, gifts: [GiftInfo], connection: WebcastConnection, trace: WebSocketTraceWriter?
    ) {
        self.roomID = roomID
        self.roomInfo = roomInfo
        self.gifts = gifts
        (self.events, self.continuation) = AsyncThrowingStream.makeStream(of: LiveEvent.self)
        (self.closeRequests, self.closeContinuation) = AsyncStream.makeStream(of: Void.self)
        self.connection = connection
        self.trace = trace
    }

    /// How many times the event socket was re-opened after a drop.
    public var reconnectCount: Int { self.connection.reconnectCount }

    /// Runs the event feed until the stream ends, ``close()`` is called or the task is cancelled; then finishes
    /// ``events`` (after closing any open gift streaks as unconfirmed) and closes the trace file.
    /// - Throws: the feed's ``TikTokLiveError`` when it fails for good (it is also thrown from ``events``);
    ///   ``TikTokLiveError/webSocket(reason:)`` when called a second time.
    public func run() async throws {
        let alreadyStarted = self.started.withLock { started in
            defer { started = true }
            return started
        }
        guard !alreadyStarted else { throw TikTokLiveError.webSocket(reason: "Live.run() was called twice for room \(self.roomID)") }
        defer { self.trace?.close() }
        let continuation = self.continuation
        let clock = ContinuousClock()
        let emit: @Sendable ([LiveEvent]) -> Void = { events in
            for event in events { continuation.yield(event) }
        }
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    try await self.connection.run { event in
                        emit(self.streaks.withLock { $0.process(event, at: clock.now) })
                    }
                }
                group.addTask {
                    // A streak whose end never comes is closed after the tracker's timeout, even in a quiet room.
                    while true {
                        try await Task.sleep(for: .seconds(1))
                        emit(self.streaks.withLock { $0.expire(at: clock.now) })
                    }
                }
                group.addTask {
                    for await _ in self.closeRequests {}
                }
                _ = try await group.next()
                group.cancelAll()
            }
            emit(self.streaks.withLock { $0.finish() })
            continuation.finish()
        } catch is CancellationError {
            emit(self.streaks.withLock { $0.finish() })
            continuation.finish()
        } catch {
            emit(self.streaks.withLock { $0.finish() })
            continuation.finish(throwing: error)
            throw error
        }
    }

    /// Ends ``run()`` and ``events`` cleanly. Safe to call from any task, any number of times.
    public func close() {
        self.closeContinuation.finish()
    }
}
