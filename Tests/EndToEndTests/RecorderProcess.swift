import Foundation

/// A `tiktok-recorder` child process whose standard error (its log) goes to a file the test can search while it
/// runs; ``signal(_:)`` and ``waitForExit(within:)`` end it as an operator or systemd would.
final class RecorderProcess: @unchecked Sendable {
    private let process = Process()
    /// The file standard error goes to.
    let logPath: String
    /// The file standard output goes to.
    let outputPath: String

    /// Starts `tiktok-recorder` with `arguments` in `directory`.
    init(arguments: [String], directory: String, environment: [String: String] = [:]) throws {
        self.logPath = (directory as NSString).appendingPathComponent("recorder-\(UUID().uuidString).log")
        self.outputPath = (directory as NSString).appendingPathComponent("recorder-\(UUID().uuidString).out")
        FileManager.default.createFile(atPath: self.logPath, contents: nil)
        FileManager.default.createFile(atPath: self.outputPath, contents: nil)
        self.process.executableURL = URL(fileURLWithPath: try ExternalTools.builtProduct("tiktok-recorder"))
        self.process.arguments = arguments
        self.process.currentDirectoryURL = URL(fileURLWithPath: directory)
        self.process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        self.process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: self.logPath))
        self.process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: self.outputPath))
        self.process.standardInput = FileHandle.nullDevice
        try self.process.run()
    }

    /// The log so far.
    var log: String { (try? String(contentsOfFile: self.logPath, encoding: .utf8)) ?? "" }

    /// Waits until the log has a match of `pattern` and returns the match's first capture, or `nil` after `seconds`
    /// or when the process has exited.
    func waitForLog(_ pattern: Regex<(Substring, Substring)>, within seconds: Double) async throws -> String? {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let match = self.log.firstMatch(of: pattern) { return String(match.1) }
            if !self.process.isRunning { return nil }
            try await Task.sleep(for: .milliseconds(100))
        }
        return nil
    }

    /// Sends `signal` (SIGTERM, SIGHUP, SIGKILL …).
    func signal(_ signal: Int32) {
        kill(self.process.processIdentifier, signal)
    }

    /// The exit status, once the process ended within `seconds`; `nil` when it is still running.
    func waitForExit(within seconds: Double) async throws -> Int32? {
        let deadline = Date().addingTimeInterval(seconds)
        while self.process.isRunning && Date() < deadline { try await Task.sleep(for: .milliseconds(50)) }
        return self.process.isRunning ? nil : self.process.terminationStatus
    }

    /// Kills the process if it still runs (a test that failed half-way).
    func kill9IfRunning() {
        if self.process.isRunning {
            self.signal(SIGKILL)
            self.process.waitUntilExit()
        }
    }
}
