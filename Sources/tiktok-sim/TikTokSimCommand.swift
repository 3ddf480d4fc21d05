import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import TikTokSimulator
import UnixSignals

/// `tiktok-sim`: serves a simulated TikTok LIVE on loopback until interrupted.
@main
struct TikTokSimCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tiktok-sim",
        abstract: "A local fake of TikTok LIVE (web API, sign server, event WebSocket, FLV CDN) for tests and demos."
    )

    @Option(help: "TCP port on 127.0.0.1; 0 picks a free one.")
    var port: Int = 0

    @Option(
        help: ArgumentHelp(
            "Play this scenario file (YAML; see the README's \"Scenario files\") instead of the built-in live.", valueName: "file"
        )
    )
    var scenario: String?

    @Option(help: "Seconds from start until the built-in creator goes live (ignored with --scenario).")
    var liveAfter: Double = 1

    @Option(help: "Seconds the built-in creator stays live (ignored with --scenario).")
    var duration: Double = 30

    @Option(
        help: ArgumentHelp(
            "How video is made: live (a real-time encoder per live, the default) or loop (one 2 s GOP per video format encoded once and looped with rewritten timestamps, for load; the drawn time repeats every 2 s). Overrides the scenario file's `encoder:`.",
            valueName: "live|loop"
        )
    )
    var encoder: SimulatorScenario.Encoder?

    @Option(
        name: .customLong("ground-truth"),
        help: ArgumentHelp(
            "Append everything the simulator does (events, faults, streams, requests) to this JSONL file.", valueName: "file"
        )
    )
    var groundTruthPath: String?

    @Option(help: "Log level: trace, debug, info, notice, warning, error.")
    var logLevel: Logger.Level = .notice

    func validate() throws {
        guard (0...65535).contains(self.port) else { throw ValidationError("--port must be between 0 and 65535") }
        guard self.duration > 0, self.liveAfter >= 0 else {
            throw ValidationError("--duration must be positive and --live-after not negative")
        }
    }

    func run() async throws {
        let level = self.logLevel
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "tiktok-sim")
        var scenario: SimulatorScenario
        if let path = self.scenario {
            do {
                scenario = try ScenarioFile.load(path: path)
            } catch let error as ScenarioFileError {
                throw ValidationError("--scenario: \(error)")
            }
        } else {
            scenario = .builtIn(
                liveAfter: .milliseconds(Int(self.liveAfter * 1000)), liveDuration: .milliseconds(Int(self.duration * 1000))
            )
        }
        if let encoder = self.encoder { scenario.encoder = encoder }
        let simulator = TikTokSimulator(scenario: scenario, logger: logger)
        if let groundTruthPath {
            do {
                try simulator.groundTruth.writeLog(toFile: groundTruthPath)
            } catch {
                throw ValidationError("--ground-truth: \(error)")
            }
        }
        let service = SimulatorService(simulator: simulator, port: self.port) { port in
            print("listening on http://127.0.0.1:\(port)")
            fflush(nil)  // a parent process waits for this first line
        }
        try await ServiceGroup(services: [service], gracefulShutdownSignals: [.sigint, .sigterm], logger: logger).run()
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
extension SimulatorScenario.Encoder: ExpressibleByArgument {}
