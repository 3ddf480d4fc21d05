import ArgumentParser
import Foundation
import LiveMedia

/// `tiktok-recorder remux <input> <output.mp4>`: the recording engine as a tool, for files and URLs.
///
/// Parsing, calling ``LiveStreamRecorder`` and printing only; the engine lives in LiveMedia.
struct RemuxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remux",
        abstract: "Remux a file or stream (FLV with H.264 or HEVC, MPEG-TS, HLS, MP4) into crash-safe MP4, repairing it.",
        discussion: """
            The same engine as a recording: timestamp jumps and resets are rebased, replayed GOPs dropped, a late \
            audio header handled, and a codec parameter change (resolution change) starts a new file \
            (OUTPUT-part2.mp4, …) so no file carries stale parameters. Use it to rescue old FLV/TS recordings. \
            Prints what was written and every repair; exits 1 when nothing could be written.
            """
    )

    @Argument(help: "A local file (FLV, TS, MP4, …) or an http(s) URL (HTTP-FLV, or HLS ending in .m3u8).")
    var input: String

    @Argument(help: "The MP4 to write (later segments insert -partN before the extension).")
    var output: String

    @Option(help: "Start a new file at the first keyframe after this many seconds.")
    var segmentSeconds: Double?

    @Option(help: "Start a new file at the first keyframe after this many megabytes.")
    var segmentMegabytes: Double?

    @Option(help: "Shortest fragment in seconds (a crash loses at most one fragment).")
    var fragmentSeconds: Double = 1

    @Option(help: "Write the statistics as JSON to this file.")
    var statistics: String?

    @Flag(
        help: """
            fsync the output every 5 s as a recording does. Without it, a local input is remuxed without syncing (the \
            input is kept, so a crash costs a rerun); a URL input is always synced.
            """
    )
    var sync = false

    @Flag(help: "Replace OUTPUT if it exists.")
    var overwrite = false

    @Flag(
        help: """
            Write plain (non-fragmented, faststart) MP4 instead, for players and editors that seek fragmented files \
            badly: each file is written crash-safe first, then replaced by its plain copy once complete.
            """
    )
    var plain = false

    func run() async throws {
        AllocatorTuning.keepFreedMemoryForReuse()
        if !self.overwrite, FileManager.default.fileExists(atPath: self.output) {
            throw ValidationError("\(self.output) already exists; pass --overwrite to replace it")
        }
        guard self.output.lowercased().hasSuffix(".mp4") else {
            throw ValidationError("the output \(self.output) must end in .mp4")
        }
        let isURL = self.input.lowercased().hasPrefix("http://") || self.input.lowercased().hasPrefix("https://")
        var output = MP4OutputOptions(fragmentDuration: .milliseconds(Int64(self.fragmentSeconds * 1000)))
        if !isURL && !self.sync { output.syncPolicy = .never }
        var options = LiveStreamRecorder.Options(
            source: self.input, outputPath: self.output, reconnectWindow: .zero, output: output,
            segmenting: SegmentPolicy(
                maximumDuration: self.segmentSeconds.map { .milliseconds(Int64($0 * 1000)) },
                maximumBytes: self.segmentMegabytes.map { Int64($0 * 1_048_576) }
            ),
            statisticsPath: self.statistics
        )
        if isURL { options.reconnectWindow = .seconds(30) }
        let summary: RecordingSummary
        do {
            summary = try await LiveStreamRecorder().record(options)
        } catch {
            FileHandle.standardError.write(Data("error: cannot remux \(self.input): \(error)\n".utf8))
            throw ExitCode(1)
        }
        print(SummaryPrinter.text(summary.statistics, endReason: summary.endReason))
        if self.plain { try await Self.replaceWithPlainCopies(summary.statistics.segments.map(\.path)) }
        if case .failed = summary.endReason { throw ExitCode(2) }
    }

    /// Replaces each written file by its plain, faststart copy and says so; exits 1 when one cannot be written
    /// (that file then stays fragmented).
    private static func replaceWithPlainCopies(_ paths: [String]) async throws {
        for path in paths {
            do {
                let copy = try await PlainMP4Writer.writePlainCopy(of: path, to: path)
                print("plain MP4 \(copy.path): \(copy.bytes) bytes, moov first, not fragmented")
            } catch {
                FileHandle.standardError.write(Data("error: cannot write a plain copy of \(path): \(error)\n".utf8))
                throw ExitCode(1)
            }
        }
    }
}
