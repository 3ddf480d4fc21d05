import ArgumentParser
import Foundation
import LiveMedia
import Logging
import ServiceLifecycle
import TikTokRecorder
import TikTokSimulator

/// `tiktok-recorder demo`: the service, recording a simulated TikTok, offline.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the recorder service against the built-in TikTok simulator and print what it recorded.",
        discussion: """
            The simulator plays config/scenarios/demo.yaml (five creators: staggered lives, an HEVC picture change, a \
            live that moves to a new room id, a pause, a late short live) on a free loopback port, and the \
            service records it with config/demo.yaml, its status page up, until the scenario is over.
            """
    )

    @Option(help: "The simulator's scenario file.")
    var scenario = "config/scenarios/demo.yaml"

    @Option(name: .customLong("config"), help: "The service's configuration file (its tiktok.baseURL is replaced).")
    var configurationFile = "config/demo.yaml"

    @Option(help: "Folder for the recordings and the catalog (instead of the configuration's).")
    var output: String?

    @Option(help: "Port of the status page (0 picks a free one; default: the configuration's).")
    var statusPort: Int?

    @OptionGroup var logging: LoggingOptions

    func run() async throws {
        AllocatorTuning.keepFreedMemoryForReuse()
        let logger = self.logging.bootstrap()
        let scenario: SimulatorScenario
        do {
            scenario = try ScenarioFile.load(path: self.scenario)
        } catch {
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            throw ExitCode(64)
        }
        var configuration = try RunCommand.load(self.configurationFile)
        if let output = self.output { configuration.output = output }
        if let port = self.statusPort, let listen = configuration.status.listen {
            configuration.status.listen = ListenAddress(host: listen.host, port: port)
        }
        // The simulator is scenery here: only its failures would be worth a line, and its shutdown is not one.
        var simulatorLogger = Logger(label: "tiktok-sim")
        simulatorLogger.logLevel = .critical
        let simulator = TikTokSimulator(scenario: scenario, logger: simulatorLogger)
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let ends = scenario.creators.compactMap { $0.timeline?.map(\.at).max() }.max() ?? .seconds(30)
        let settle = configuration.watch.returnWindow + 5
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await simulator.run(port: 0) { port in
                    portContinuation.yield(port)
                    portContinuation.finish()
                }
            }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else { throw CancellationError() }
            configuration.tiktok.baseURL = "http://127.0.0.1:\(port)"
            print(
                "simulator listening on http://127.0.0.1:\(port); recording its creators for about \(ends.components.seconds + Int64(settle)) s"
            )
            let finished = Date().addingTimeInterval(Double(ends.components.seconds) + settle)
            try await ServiceLauncher.run(
                configuration: configuration, file: nil, logger: logger,
                extra: [
                    .init(service: ScenarioEnd(deadline: finished), successTerminationBehavior: .gracefullyShutdownGroup)
                ],
                onStatusListening: { host, port in print("status page: http://\(host):\(port)/") }
            )
            group.cancelAll()
        }
        try await Self.printCatalog(output: configuration.output)
    }

    /// Prints every session the demo recorded.
    static func printCatalog(output: String) async throws {
        let catalog = try await SQLiteCatalog.open(path: (output as NSString).appendingPathComponent("catalog.sqlite"))
        let sessions = try await catalog.sessions(CatalogFilter(limit: 100, newestFirst: false))
        var parts: [SessionID: [PartRecord]] = [:]
        for session in sessions { parts[session.id] = try await catalog.parts(session: session.id) }
        try await catalog.close()
        print("\nrecorded into \(output):")
        print(CatalogListing.text(sessions, parts: parts), terminator: "")
    }
}

/// Ends the demo's service group once the scenario is over and the return windows have passed.
struct ScenarioEnd: Service {
    let deadline: Date

    func run() async throws {
        try await cancelWhenGracefulShutdown {
            try await Task.sleep(for: .milliseconds(Int(max(0, self.deadline.timeIntervalSinceNow) * 1000)))
        }
    }
}
