import ArgumentParser
import Foundation
import LiveMedia
import ServiceLifecycle
import TikTokLive
import TikTokRecorder
import UnixSignals

/// `tiktok-recorder record <username>`: waits for a creator to go live on TikTok and records that live.
struct RecordCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "record",
        abstract: "Wait until a TikTok creator is live, then record the live (video + synced chat) and exit.",
        discussion: """
            Secrets are read from the environment: TIKTOK_SIGNER_API_KEY (sign-server key), TIKTOK_SESSIONID and \
            TIKTOK_TARGET_IDC (a logged-in session, for 18+ and follower-only lives). HTTPS_PROXY applies to every \
            request, ALL_PROXY to the event WebSocket only, unless --proxy is given.
            """
    )

    @Argument(help: "The creator's @username (with or without the @).")
    var username: String

    @Option(help: "Folder for the recording (created if missing).")
    var output: String = "recordings"

    @Option(help: "Seconds between live checks while the creator is offline (TikTok blocks fast polling).")
    var pollInterval: Double = 30

    @Option(help: "Base URL of the web, webcast and sign-server endpoints (e.g. a running tiktok-sim).")
    var baseURL: String?

    @Option(help: "Proxy for HTTP requests and the event WebSocket, e.g. http://host:port or socks5h://host:port.")
    var proxy: String?

    @Option(help: "How the event feed is opened: 'signer' (an Euler-compatible sign server) or 'signature-free'.")
    var transport: String = TikTokLiveConfiguration.EventTransport.signer.rawValue

    @Option(help: "Base URL of the sign server (default: the public Euler Stream server, or --base-url).")
    var signerURL: String?

    @Option(name: .customLong("trace-ws"), help: "Append every event WebSocket message to this trace file (for bug reports; see `replay`).")
    var traceWebSocket: String?

    @Flag(help: "Log every HTTP request (URL without its query, status, duration) at debug level.")
    var logRequests = false

    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        guard self.pollInterval >= 0.1 else { throw ValidationError("--poll-interval must be at least 0.1 seconds") }
        guard TikTokLiveConfiguration.EventTransport(rawValue: self.transport) != nil else {
            throw ValidationError("--transport must be 'signer' or 'signature-free', not '\(self.transport)'")
        }
    }

    func run() async throws {
        AllocatorTuning.keepFreedMemoryForReuse()
        let logger = self.logging.bootstrap()
        var tiktok = self.baseURL.map(TikTokLiveConfiguration.simulator(baseURL:)) ?? TikTokLiveConfiguration()
        tiktok.proxy = self.proxy
        tiktok.eventTransport = TikTokLiveConfiguration.EventTransport(rawValue: self.transport) ?? .signer
        if let signerURL = self.signerURL { tiktok.signerBaseURL = signerURL }
        tiktok.webSocketTraceFile = self.traceWebSocket
        tiktok.logRequests = self.logRequests
        // Secrets come from the environment, never from the command line (where `ps` would show them).
        let environment = ProcessInfo.processInfo.environment
        tiktok.signerAPIKey = environment["TIKTOK_SIGNER_API_KEY"].flatMap { $0.isEmpty ? nil : $0 }
        tiktok.sessionID = environment["TIKTOK_SESSIONID"].flatMap { $0.isEmpty ? nil : $0 }
        if let idc = environment["TIKTOK_TARGET_IDC"], !idc.isEmpty { tiktok.targetIDC = idc }
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
