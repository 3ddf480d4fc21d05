import CurlTransport
import Foundation
import Testing

@testable import LiveMedia

/// Test tooling for media inputs: a sink that records events, ffmpeg/ffprobe runners and temporary files.
final class CollectingSink: MediaInputSink {
    var events: [MediaInputEvent] = []
    var bytes = 0
    /// Called with each event; throwing stops the input.
    var onEvent: (MediaInputEvent) throws -> Void = { _ in }

    func receive(_ event: MediaInputEvent) throws {
        self.events.append(event)
        try self.onEvent(event)
    }

    func received(bytes: Int) { self.bytes += bytes }

    var packets: [MediaPacket] {
        self.events.compactMap { if case .packet(let packet) = $0 { packet } else { nil } }
    }
    var videoPackets: [MediaPacket] { self.packets.filter { $0.track == .video } }
    var audioPackets: [MediaPacket] { self.packets.filter { $0.track == .audio } }
    var videoConfigurations: [VideoConfiguration] {
        self.events.compactMap { if case .videoConfiguration(let configuration) = $0 { configuration } else { nil } }
    }
    var discontinuities: [String] {
        self.events.compactMap { if case .discontinuity(let reason) = $0 { reason } else { nil } }
    }
}

enum MediaTool {
    /// A fresh temporary directory.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("livemedia-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Packets per stream type as ffprobe counts them (`["video": 50, "audio": 88]`).
    static func packetCounts(_ path: String) throws -> [String: Int] {
        let text = try Witness.run(
            "ffprobe",
            ["-v", "error", "-count_packets", "-show_entries", "stream=codec_type,nb_read_packets", "-of", "csv=p=0", path])
        var counts: [String: Int] = [:]
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: ",")
            guard fields.count == 2, let count = Int(fields[1]) else { continue }
            counts[String(fields[0])] = count
        }
        return counts
    }

    /// Encodes a `seconds`-long test pattern + tone with ffmpeg into `path` (format from the extension or `format`).
    static func encode(_ path: String, video: String = "libx264", seconds: Int = 2, size: String = "320x240", extra: [String] = []) throws {
        _ = try Witness.run(
            "ffmpeg",
            [
                "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc=size=\(size):rate=25", "-f", "lavfi",
                "-i", "sine=frequency=440:sample_rate=44100", "-t", "\(seconds)", "-c:v", video, "-g", "25", "-bf", "2",
                "-c:a", "aac",
            ] + (video == "libx265" ? ["-x265-params", "log-level=none"] : []) + extra + [path])
    }
}
