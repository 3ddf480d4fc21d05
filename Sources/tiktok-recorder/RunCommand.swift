import ArgumentParser
import Foundation
import LiveMedia
import TikTokRecorder

/// `tiktok-recorder run`: the service. Watches the configured creators and records every live.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Watch the configured creators and record every live (video + synced chat), until stopped.",
        discussion: """
            Reads the configuration file (see config/recorder.yaml), reloads it on SIGHUP and when it changes, and \
            serves a status page and /api/status on status.listen. SIGTERM or Ctrl-C finishes every file and exits 0. \
            Secrets come from the environment (TIKTOK_SIGNER_API_KEY, TIKTOK_SESSIONID, TIKTOK_TARGET_IDC) or from \
            the file named by tiktok.secretsFile, never from the configuration text.
            """
    )

    @Option(name: .customLong("config"), help: "The configuration file.")
    var configurationFile = "config/recorder.yaml"

    @OptionGroup var logging: LoggingOptions

    func run() async throws {
        AllocatorTuning.keepFreedMemoryForReuse()
        let logger = self.logging.bootstrap()
        let configuration = try Self.load(self.configurationFile)
        try await ServiceLauncher.run(configuration: configuration, file: self.configurationFile, logger: logger)
    }

    /// Loads the file, or prints `FILE:LINE: what is wrong` and exits 64 (EX_USAGE... of sysexits: bad input data).
    static func load(_ file: String) throws -> RecorderConfiguration {
        do {
            return try RecorderConfiguration.load(path: file, environment: ProcessInfo.processInfo.environment)
        } catch {
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            throw ExitCode(64)
        }
    }
}
