// Live-cost benchmark for LiveMedia; bench/live-cost.sh runs it next to `ffmpeg -c copy`.
//
//   livemedia-bench <source> --output-dir <dir> [--streams N] [--seconds D]
//
// Records <source> (an HTTP-FLV or HLS URL, or a file) N times at once in this ONE process: N LiveStreamRecorder
// recordings in a task group, each to <dir>/stream-<i>.mp4, each on its own recording thread. After D seconds every
// recording is stopped through its StopSignal (a recording whose source ends earlier just ends). Prints one summary
// line per stream on stderr, then a total line; exits 1 if any stream recorded nothing.
//
// The process does nothing else, so its CPU time and private memory (sampled from /proc by the script) are the cost
// of N recordings.

import CurlTransport
import Foundation
import LiveMedia

/// A failure the user can act on, printed without a stack trace.
struct BenchError: Error, CustomStringConvertible {
    let description: String
}

/// The command line, parsed.
struct BenchArguments: Sendable {
    /// What to record (URL or file), the same source for every stream.
    var source: String
    /// Where the MP4 files go.
    var outputDirectory: String
    /// How many recordings run at once.
    var streams = 1
    /// How long they run before they are stopped.
    var seconds = 40.0

    static let usage = "usage: livemedia-bench <source> --output-dir <dir> [--streams N] [--seconds D]"

    /// Parses `arguments` (without the program name).
    /// - Throws: `BenchError` naming the bad or missing argument.
    static func parse(_ arguments: [String]) throws -> BenchArguments {
        var source: String?
        var outputDirectory: String?
        var streams = 1
        var seconds = 40.0
        var remaining = arguments[...]
        func value(after flag: String) throws -> String {
            guard let value = remaining.popFirst() else { throw BenchError(description: "\(flag) needs a value\n\(usage)") }
            return value
        }
        while let argument = remaining.popFirst() {
            switch argument {
            case "--output-dir": outputDirectory = try value(after: argument)
            case "--streams":
                guard let count = Int(try value(after: argument)), count >= 1 else {
                    throw BenchError(description: "--streams needs a whole number of at least 1")
                }
                streams = count
            case "--seconds":
                guard let count = Double(try value(after: argument)), count > 0 else {
                    throw BenchError(description: "--seconds needs a positive number")
                }
                seconds = count
            case "-h", "--help": throw BenchError(description: usage)
            default:
                guard !argument.hasPrefix("--"), source == nil else {
                    throw BenchError(description: "unexpected argument \(argument)\n\(usage)")
                }
                source = argument
            }
        }
        guard let source, let outputDirectory else { throw BenchError(description: "source and --output-dir are required\n\(usage)") }
        return BenchArguments(source: source, outputDirectory: outputDirectory, streams: streams, seconds: seconds)
    }
}

/// Writes a line to stderr.
func report(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}

/// Records `arguments.streams` copies of the source at once and prints a line per stream.
/// - Returns: how many streams recorded nothing.
func runBenchmark(_ arguments: BenchArguments) async throws -> Int {
    AllocatorTuning.keepFreedMemoryForReuse()  // as tiktok-recorder does
    try FileManager.default.createDirectory(atPath: arguments.outputDirectory, withIntermediateDirectories: true)
    let stops = (0..<arguments.streams).map { _ in StopSignal() }
    let results = await withTaskGroup(of: (Int, Result<RecordingSummary, any Error>).self) { group in
        for index in 0..<arguments.streams {
            let stop = stops[index]
            let options = LiveStreamRecorder.Options(
                source: arguments.source, outputPath: "\(arguments.outputDirectory)/stream-\(index).mp4"
            )
            group.addTask {
                do {
                    // The await comes first, on its own line: Swift 6.3.1's optimizer loses `index` when it is
                    // evaluated before an `await` inside the same tuple expression (every result came back as 0).
                    let summary = try await LiveStreamRecorder().record(options, stop: stop)
                    return (index, .success(summary))
                } catch {
                    return (index, .failure(error))
                }
            }
        }
        group.addTask {
            try? await Task.sleep(for: .seconds(arguments.seconds))
            for stop in stops { stop.stop() }
            return (-1, .failure(CancellationError()))
        }
        var results: [Int: Result<RecordingSummary, any Error>] = [:]
        while let (index, result) = await group.next() {
            guard index >= 0 else { continue }  // the timer
            results[index] = result
            // Every recording ended on its own (the source ended): no need to wait for the timer.
            if results.count == arguments.streams { group.cancelAll() }
        }
        return results
    }
    var failures = 0
    var mediaSeconds = 0.0
    var bytesIn: Int64 = 0
    for index in 0..<arguments.streams {
        switch results[index] {
        case .success(let summary):
            mediaSeconds += summary.duration
            bytesIn += summary.bytesReceived
            report(
                "stream \(index): \(summary.endReason) \(String(format: "%.1f", summary.duration)) s, "
                    + "\(summary.videoFrames) video + \(summary.audioFrames) audio frames, "
                    + "\(summary.bytesReceived) bytes in, \(summary.bytesWritten) bytes out, "
                    + "\(summary.statistics.repairs.total) repairs, \(summary.statistics.splices.count) splices"
            )
        case .failure(let error):
            failures += 1
            report("stream \(index): FAILED \(error)")
        case nil:
            failures += 1
            report("stream \(index): no result")
        }
    }
    report(
        "total: \(arguments.streams) streams, \(failures) failed, \(String(format: "%.1f", mediaSeconds)) s of media, "
            + "\(bytesIn) bytes in"
    )
    return failures
}

do {
    let arguments = try BenchArguments.parse(Array(CommandLine.arguments.dropFirst()))
    let failures = try await runBenchmark(arguments)
    exit(failures == 0 ? 0 : 1)
} catch {
    report("livemedia-bench: \(error)")
    exit(2)
}
