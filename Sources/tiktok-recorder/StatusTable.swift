import Foundation
import ServiceLifecycle
import TikTokRecorder

/// On a terminal, a table of the creators that are recording or in trouble, printed when it changes and at most
/// once a second. Without a terminal the log lines say the same.
struct StatusTable: Service {
    let control: any RecorderControl

    func run() async throws {
        var last = ""
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            let text = Self.text(await self.control.snapshot())
            if text != last {
                last = text
                print(text)
            }
            try? await Task.sleep(for: .seconds(1))
        }
    }

    /// One line a creator that is recording, live, waiting, blocked or failing, under a summary line.
    static func text(_ snapshot: StatusSnapshot) -> String {
        let recordings = Dictionary(snapshot.recordings.map { ($0.username.lowercased(), $0) }, uniquingKeysWith: { a, _ in a })
        var lines = [
            "── \(snapshot.recordings.count) recording · \(snapshot.creators.count) watched · requests "
                + "\(snapshot.budget.usedLastMinute)/\(snapshot.budget.requestsPerMinute) a minute"
                + (snapshot.budget.blockedUntil.map { " · BLOCKED until \(Self.clock($0))" } ?? "")
                + (snapshot.disk.lowSpace ? " · LOW DISK SPACE" : "")
        ]
        for creator in snapshot.creators where creator.state != "offline" && creator.state != "disabled" {
            var line =
                "  @\(creator.username)".padding(toLength: 26, withPad: " ", startingAt: 0)
                + creator.state.padding(toLength: 10, withPad: " ", startingAt: 0)
            if let recording = recordings[creator.username.lowercased()] {
                line += String(
                    format: "%6.0f s %8.1f MB %6.2f Mbit/s %6d events  %@", recording.seconds, Double(recording.bytes) / 1e6,
                    recording.bitrate / 1e6, recording.chatEvents, recording.file)
            } else if let error = creator.lastError, creator.state == "error" || creator.state == "blocked" {
                line += error
            }
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }

    static func clock(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "HH:mm:ss"
        return formatter.string(from: date)
    }
}
