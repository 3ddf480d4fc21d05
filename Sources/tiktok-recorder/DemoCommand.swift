import ArgumentParser
import Foundation
import LiveMedia
import Logging
import ServiceLifecycle
import TikTokLive
import TikTokRecorder
import TikTokSimulator
import UnixSignals

/// `tiktok-recorder demo`: records a simulated live end to end, offline.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Start the built-in TikTok simulator on loopback and record one simulated live from it."
    )

    @Option(help: "Seconds the simulated live lasts.")
    var duration: Double = 30

    @Option(help: "Folder for the recording (created if missing).")
    var output: String = "recordings"

    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        guard self.duration >= 3 else { throw ValidationError("--duration must be at least 3 seconds") }
    }

    func run() async throws {
        AllocatorTuning.keepFreedMemoryForReuse()
        let logger = self.logging.bootstrap()
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let (summaries, summaryContinuation) = AsyncStream.makeStream(of: SessionSummary.self)
        let simulator = SimulatorService(
            simulator: TikTokSimulator(
                scenario: .builtIn(liveAfter: .seconds(1), liveDuration: .milliseconds(Int(self.duration * 1000))),
                logger: Logger(label: "tiktok-sim")
            ),
            onListening: { port in
                print("simulator listening on http://127.0.0.1:\(port); waiting for @sim_creator to go live…")
                portContinuation.yield(port)
                portContinuation.finish()
            }
        )
        let output = self.output
        let recording = OneLiveRecordingService(
            username: "sim_creator",
            makeRecorder: {
                var iterator = ports.makeAsyncIterator()
                guard let port = await iterator.next() else { throw CancellationError() }
                return CreatorRecorder(
                    configuration: .init(
                        tiktok: .simulator(baseURL: "http://127.0.0.1:\(port)"), outputDirectory: output,
                        pollInterval: .milliseconds(500)
                    ),
                    logger: logger
                )
            },
            onFinished: { summary in
                summaryContinuation.yield(summary)
                summaryContinuation.finish()
            }
        )
        let group = ServiceGroup(
            configuration: .init(
                services: [
                    .init(service: simulator),
                    .init(service: recording, successTerminationBehavior: .gracefullyShutdownGroup),
                ],
                gracefulShutdownSignals: [.sigint, .sigterm],
                logger: logger
            )
        )
        try await group.run()
        summaryContinuation.finish()
        for await summary in summaries { print(SummaryPrinter.text(summary)) }
    }
}
