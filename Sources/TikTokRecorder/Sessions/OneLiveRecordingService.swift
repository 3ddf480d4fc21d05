import ServiceLifecycle

/// Records a creator's next live as a `Service`: waits for the live, records it, hands the summary over, returns.
///
/// On graceful shutdown (SIGINT/SIGTERM through the `ServiceGroup`) the recording stops and every file is
/// finished before `run()` returns; while still waiting for the live, it returns at once.
public struct OneLiveRecordingService: Service {
    /// Builds the recorder when the service starts (so it may wait for, say, a simulator's port).
    public let makeRecorder: @Sendable () async throws -> CreatorRecorder
    /// The creator's @username.
    public let username: String
    /// Receives the summary of the finished recording.
    public let onFinished: @Sendable (SessionSummary) async -> Void

    /// Creates the service.
    public init(
        username: String, makeRecorder: @escaping @Sendable () async throws -> CreatorRecorder,
        onFinished: @escaping @Sendable (SessionSummary) async -> Void
    ) {
        self.username = username
        self.makeRecorder = makeRecorder
        self.onFinished = onFinished
    }

    /// Runs until done, graceful shutdown or cancellation (see the type's documentation).
    public func run() async throws {
        let recorder = try await self.makeRecorder()
        let summary = try await cancelWhenGracefulShutdown {
            try await recorder.recordNextLive(username: self.username)
        }
        await self.onFinished(summary)
    }
}
