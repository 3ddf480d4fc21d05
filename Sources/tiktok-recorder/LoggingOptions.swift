import ArgumentParser
import Logging

/// `--log-level`, shared by every subcommand.
struct LoggingOptions: ParsableArguments {
    @Option(help: "Log level: trace, debug, info, notice, warning, error.")
    var logLevel: Logger.Level = .notice

    /// Sends logs to stderr at the chosen level and returns the root logger.
    func bootstrap() -> Logger {
        let level = self.logLevel
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        return Logger(label: "tiktok-recorder")
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
