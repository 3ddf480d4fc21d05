import ArgumentParser
import Foundation
import ServiceLifecycle
import TikTokLive
import TikTokRecorder
import UnixSignals

/// `tiktok-recorder record <username>`: waits for a creator to go live on TikTok and records that live.
struct RecordCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "record",
        abstract: "Wait until a TikTok creator is live, then record the live (video + synced chat) and exit."
    )

    @Argument(help: "The creator's @username (with or without the @).")
    var username: String

    @Option(help: "Folder for the recording (created if missing).")
    var output: String = "recordings"

    @Option(help: "Seconds between live checks while the creator is offline (TikTok blocks fast polling).")
    var pollInterval: Double = 30

    @Option(help: "Base URL of the web, webcast and sign-server endpoints (e.g. a running tiktok-sim).")
    var baseURL: String?

    @Option(help: "Proxy for HTTP requests, e.g. http://host:port or socks5h://host:port.")
    var proxy: String?

    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        guard self.pollInterval >= 0.1 else { throw ValidationError("--poll-interval must be at least 0.1 seconds") }
    }

    func run() async throws {
        let logger = self.logging.bootstrap()
        var tiktok = self.baseURL.map(TikTokLiveConfiguration.simulator(baseURL:)) ?? TikTokLiveConfiguration()
        tiktok.proxy = self.proxy
        let username = self.username.hasPrefix("@") ? String(self.username.dropFirst()) : self.username
        let recorder = CreatorRecorder(
            configuration: .init(
                tiktok: tiktok, outputDirectory: self.output, pollInterval: .milliseconds(Int(self.pollInterval * 1000))
            ),
            logger: logger
        )
        let service = OneLiveRecordingService(username: username, makeRecorder: { recorder }) { summary in
            print(SummaryPrinter.text(summary))
        }
        // SIGINT/SIGTERM end the recording gracefully: the MP4 and the sidecars are finished before exit.
        try await ServiceGroup(
            configuration: .init(
                services: [.init(service: service, successTerminationBehavior: .gracefullyShutdownGroup)],
                gracefulShutdownSignals: [.sigint, .sigterm],
                logger: logger
            )
        ).run()
    }
}
