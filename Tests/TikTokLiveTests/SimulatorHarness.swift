import Foundation
import Logging
import Testing
import TikTokLive
import TikTokSimulator

/// Runs an in-process `tiktok-sim` on a free loopback port for the length of a test.
enum SimulatorHarness {
    static let quiet = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    /// Starts a simulator playing `scenario`, hands `body` the simulator and its base URL, and stops it afterwards.
    static func with<Result: Sendable>(
        _ scenario: SimulatorScenario = .builtIn(liveAfter: .zero, liveDuration: .seconds(30)),
        _ body: (TikTokSimulator, String) async throws -> Result
    ) async throws -> Result {
        let simulator = TikTokSimulator(scenario: scenario, logger: Self.quiet)
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await simulator.run(port: 0) { portContinuation.yield($0) } }
            defer { group.cancelAll() }
            var iterator = ports.makeAsyncIterator()
            let port = try #require(await iterator.next())
            return try await body(simulator, "http://127.0.0.1:\(port)")
        }
    }

    /// Runs a ``LocalProxy`` on a free loopback port for the length of `body`.
    static func withProxy<Result: Sendable>(_ body: (LocalProxy, Int) async throws -> Result) async throws -> Result {
        let proxy = LocalProxy(logger: Self.quiet)
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await proxy.run { portContinuation.yield($0) } }
            defer { group.cancelAll() }
            var iterator = ports.makeAsyncIterator()
            let port = try #require(await iterator.next())
            return try await body(proxy, port)
        }
    }

    /// A client for the simulator at `baseURL`, reconnecting quickly so tests stay short.
    static func client(_ baseURL: String, _ adjust: (inout TikTokLiveConfiguration) -> Void = { _ in }) -> TikTokLiveClient {
        var configuration = TikTokLiveConfiguration.simulator(baseURL: baseURL)
        configuration.reconnect = .init(maxAttempts: 5, initialDelay: .milliseconds(200), maxDelay: .seconds(1))
        configuration.signerRequestsPerMinute = 600
        adjust(&configuration)
        return TikTokLiveClient(configuration: configuration, logger: Self.quiet)
    }

    /// The simulator's built-in room.
    static let roomID = "7300000000000000001"

    /// Waits (up to 10 s) until the built-in room is live, then returns its ``Live``.
    static func trackWhenLive(_ client: TikTokLiveClient) async throws -> Live {
        let deadline = ContinuousClock.now + .seconds(10)
        while true {
            do {
                return try await client.trackRoom(roomID: Self.roomID)
            } catch TikTokLiveError.offline where ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(50))
            }
        }
    }

    /// Tracks the built-in room until its feed ends or `timeout` passes, collecting every event.
    static func collectEvents(
        _ client: TikTokLiveClient, timeout: Duration = .seconds(40), until stop: @escaping @Sendable ([LiveEvent]) -> Bool = { _ in false }
    ) async throws -> (events: [LiveEvent], live: Live) {
        let live = try await Self.trackWhenLive(client)
        let events = try await withThrowingTaskGroup(of: [LiveEvent]?.self) { group in
            group.addTask {
                try await live.run()
                return nil
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                live.close()
                return nil
            }
            group.addTask {
                var events: [LiveEvent] = []
                for try await event in live.events {
                    events.append(event)
                    if stop(events) { live.close() }
                }
                return events
            }
            var collected: [LiveEvent] = []
            while let result = try await group.next() {
                if let result {
                    collected = result
                    group.cancelAll()
                }
            }
            return collected
        }
        return (events, live)
    }
}
