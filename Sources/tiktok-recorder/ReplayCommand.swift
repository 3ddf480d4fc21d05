import ArgumentParser
import Foundation
import TikTokLive

/// `tiktok-recorder replay <trace>`: prints the events in a WebSocket trace as JSON Lines.
///
/// Parsing, calling ``WebSocketTraceReplayer`` and printing only; the decoding lives in TikTokLive.
struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Decode a WebSocket trace and print one JSON object per event (the .chat.jsonl schema) on stdout.",
        discussion: """
            A trace (TTLIVE-WS-TRACE 1) holds every WebSocket message a client sent and received. Events come from \
            received msg frames, de-duplicated by message id like the live client; videoTime is null and receivedAt \
            is the frame's receive time. Skipped frames and messages are reported on stderr. A malformed trace prints \
            the events before the problem, then an error naming the byte offset, and exits with status 1.
            """
    )

    @Argument(help: "The trace file to decode.")
    var trace: String

    @Flag(help: "Also print each frame we sent (enter-room, heartbeat, ack) as {\"type\":\"sentFrame\",…}.")
    var includeSent = false

    @Flag(help: "Print a summary (records, frame types, events, duplicates, skips) on stderr at the end.")
    var summary = false

    func run() throws {
        var reader = try WebSocketTraceReader(path: self.trace)
        let summary = try WebSocketTraceReplayer(includeSent: self.includeSent).replay(&reader) { output in
            if let line = output.jsonLine { print(line) }
            if let warning = output.warning { Self.printError("warning: \(warning)") }
        }
        if self.summary { Self.printError(summary.description) }
    }

    private static func printError(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
