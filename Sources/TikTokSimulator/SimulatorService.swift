import ServiceLifecycle

/// A ``TikTokSimulator`` as a `Service`, for a `ServiceGroup`: graceful shutdown closes the server cleanly.
public struct SimulatorService: Service {
    /// The simulator to serve.
    public let simulator: TikTokSimulator
    /// The port to bind on 127.0.0.1 (0 picks a free one).
    public let port: Int
    /// Called once with the bound port.
    public let onListening: @Sendable (Int) async -> Void

    /// Creates the service; nothing is bound until `run()`.
    public init(simulator: TikTokSimulator, port: Int = 0, onListening: @escaping @Sendable (Int) async -> Void = { _ in }) {
        self.simulator = simulator
        self.port = port
        self.onListening = onListening
    }

    /// Runs until done, graceful shutdown or cancellation (see the type's documentation).
    public func run() async throws {
        try await self.simulator.run(port: self.port, onListening: self.onListening)
    }
}
