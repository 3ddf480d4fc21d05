import CurlTransport
import Foundation

/// Runs outside programs for tests: `ffprobe` as an independent witness, and our own built executables.
enum ExternalTools {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// What a finished child process left behind.
    struct Finished: Sendable {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    /// Runs `executable` with `arguments` to completion and returns its exit status and output.
    ///
    /// The program runs, and is waited for, on a thread of its own: tests run in parallel on a cooperative pool of
    /// one thread per core, and an ffmpeg decode blocking one of those stalled every other test's tasks (a
    /// recording's chat handling among them) for its duration.
    static func execute(_ executable: String, _ arguments: [String]) async throws -> Finished {
        try await runOnDedicatedThread(name: "test-tool") {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
            let output = Pipe()
            let errors = Pipe()
            process.standardOutput = output
            process.standardError = errors
            try process.run()
            // stderr stays far below a pipe's buffer for these tools, so draining stdout first cannot stall them.
            let stdout = output.fileHandleForReading.readDataToEndOfFile()
            let stderr = errors.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return Finished(
                status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                stderr: String(decoding: stderr, as: UTF8.self))
        }
    }

    /// Runs `executable` with `arguments` (see ``execute(_:_:)``) and returns its standard output; throws on a
    /// non-zero exit.
    static func run(_ executable: String, _ arguments: [String]) async throws -> String {
        let finished = try await Self.execute(executable, arguments)
        guard finished.status == 0 else {
            throw Failure(
                description: "\(executable) \(arguments.joined(separator: " ")) exited \(finished.status): \(finished.stderr)")
        }
        return finished.stdout
    }

    /// The path of Debian's `ffprobe` or `ffmpeg` (installed by `.ci/run`; tests only, never the product).
    static func ffmpegTool(_ name: String) throws -> String {
        for directory in ["/usr/bin", "/usr/local/bin"] where FileManager.default.isExecutableFile(atPath: "\(directory)/\(name)") {
            return "\(directory)/\(name)"
        }
        throw Failure(description: "\(name) not found: apt-get install ffmpeg (tests use it as an outside witness)")
    }

    /// A product built next to the test bundle, such as `tiktok-sim`.
    static func builtProduct(_ name: String) throws -> String {
        let runner = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        for directory in [runner, runner.deletingLastPathComponent(), repository.appendingPathComponent(".build/debug")] {
            let path = directory.appendingPathComponent(name).path
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        throw Failure(description: "\(name) was not built; run `swift build` before `swift test`")
    }
}

/// A `tiktok-sim` child process on a free port; ``stop()`` terminates it.
final class SimulatorProcess {
    private let process = Process()
    /// The first line the simulator printed.
    let firstLine: String

    /// Starts `tiktok-sim --port 0` plus `arguments` and waits for its first line.
    init(arguments: [String]) throws {
        self.process.executableURL = URL(fileURLWithPath: try ExternalTools.builtProduct("tiktok-sim"))
        self.process.arguments = ["--port", "0"] + arguments
        let output = Pipe()
        self.process.standardOutput = output
        self.process.standardError = FileHandle.nullDevice
        try self.process.run()
        var line = ""
        while !line.hasSuffix("\n") {
            let byte = output.fileHandleForReading.readData(ofLength: 1)
            guard !byte.isEmpty else { break }
            line += String(decoding: byte, as: UTF8.self)
        }
        self.firstLine = line
    }

    /// The `http://127.0.0.1:PORT` the simulator announced.
    func baseURL() throws -> String {
        guard let match = self.firstLine.wholeMatch(of: /listening on (http:\/\/127\.0\.0\.1:\d+)\n/) else {
            throw ExternalTools.Failure(description: "tiktok-sim's first line was '\(self.firstLine)'")
        }
        return String(match.1)
    }

    func stop() {
        self.process.terminate()
        self.process.waitUntilExit()
    }
}
