import Foundation
import Logging
import Synchronization
import Testing
import TikTokLive
import TikTokSimulator

/// Every test of the web API against an in-process `tiktok-sim`. Serialized, so at most one simulated live encodes
/// video at a time on a shared machine.
@Suite(.serialized) struct WebAPITests {}

/// An in-process simulator for the web API tests.
enum WebSimulator {
    static let quiet = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
    /// The built-in creator.
    static let username = "sim_creator"
    /// The built-in creator's room.
    static let roomID = "7300000000000000001"

    /// A creator who goes live at once and stays live for the test.
    static func liveCreator(
        _ name: String = Self.username, userID: Int64 = 6_900_000_000_000_000_001, roomID: Int64 = 7_300_000_000_000_000_001
    )
        -> SimulatorScenario.Creator
    {
        SimulatorScenario.Creator(
            uniqueID: name, nickname: "Simulated \(name)", userID: userID, roomID: roomID, liveAfter: .zero,
            liveDuration: .seconds(600), chatInterval: .seconds(60)
        )
    }

    /// The built-in creator, live at once.
    static let live = SimulatorScenario(creators: [Self.liveCreator()])
    /// The built-in creator, who never goes live during a test (no video is encoded).
    static let offline = SimulatorScenario.builtIn(liveAfter: .seconds(3600), liveDuration: .seconds(60))

    /// Starts a simulator playing `scenario`, waits until its live creators are live, hands `body` the simulator and a
    /// client for it, and stops the simulator afterwards.
    static func with<Result: Sendable>(
        _ scenario: SimulatorScenario,
        configure: (inout TikTokLiveConfiguration) -> Void = { _ in },
        _ body: (TikTokSimulator, TikTokLiveClient) async throws -> Result
    ) async throws -> Result {
        try await SimulatorHarness.with(scenario) { simulator, baseURL in
            var configuration = TikTokLiveConfiguration.simulator(baseURL: baseURL)
            configure(&configuration)
            let client = TikTokLiveClient(configuration: configuration, logger: Self.quiet)
            let liveIDs = scenario.creators.filter { $0.liveAfter == .zero }.map { String($0.roomID) }
            try await Self.waitUntilLive(liveIDs, client: client)
            return try await body(simulator, client)
        }
    }

    private static func waitUntilLive(_ roomIDs: [String], client: TikTokLiveClient) async throws {
        guard !roomIDs.isEmpty else { return }
        let deadline = ContinuousClock.now + .seconds(10)
        while try await client.isLive(roomIDs: roomIDs).values.filter({ $0 }).count < roomIDs.count {
            guard ContinuousClock.now < deadline else { throw CancellationError() }
            try await Task.sleep(for: .milliseconds(50))
        }
    }
}

/// Collects log records for assertions.
final class CapturedLogs: Sendable {
    struct Record: Sendable {
        var level: Logger.Level
        var message: String
        var metadata: [String: String]
    }

    private let records = Mutex<[Record]>([])

    var all: [Record] { self.records.withLock { $0 } }

    func append(_ record: Record) { self.records.withLock { $0.append(record) } }

    /// A logger at `debug` that writes into this collection.
    func logger() -> Logger {
        var logger = Logger(label: "captured") { _ in CapturingLogHandler(sink: self) }
        logger.logLevel = .debug
        return logger
    }
}

/// A `LogHandler` appending every record to a ``CapturedLogs``.
struct CapturingLogHandler: LogHandler {
    let sink: CapturedLogs
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .debug

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { self.metadata[key] }
        set { self.metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = self.metadata.merging(event.metadata ?? [:]) { _, new in new }
        self.sink.append(.init(level: event.level, message: "\(event.message)", metadata: merged.mapValues { "\($0)" }))
    }
}
