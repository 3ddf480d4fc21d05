import Foundation
import Testing

/// The systemd unit in `deploy/` is what an operator installs: systemd itself must accept it, and it must stop the
/// service the way the service expects to be stopped.
@Suite struct SystemdUnitTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let unit = repository.appendingPathComponent("deploy/tiktok-recorder.service")

    /// `systemd-analyze verify` on the unit, with `ExecStart` pointing at the binary this build made (the unit names
    /// its installed path, which a test machine does not have). Verify exits 0 on an unknown key, so any line it
    /// prints about the unit counts as a failure too.
    @Test func systemdAcceptsTheUnitAsWritten() async throws {
        let analyze = "/usr/bin/systemd-analyze"
        guard FileManager.default.isExecutableFile(atPath: analyze) else {
            Issue.record("systemd-analyze not found: apt-get install systemd (scripts/install-system-packages.sh does)")
            return
        }
        let text = try String(contentsOf: Self.unit, encoding: .utf8)
        let installed = "/usr/local/bin/tiktok-recorder"
        #expect(text.contains("ExecStart=\(installed) run "), "the unit runs the service from its installed path")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("unit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let copy = folder.appendingPathComponent("tiktok-recorder.service")
        let built = try ExternalTools.builtProduct("tiktok-recorder")
        try text.replacingOccurrences(of: installed, with: built).write(to: copy, atomically: true, encoding: .utf8)

        let verified = try await ExternalTools.execute(analyze, ["verify", copy.path])
        let complaints = (verified.stdout + verified.stderr).split(separator: "\n")
            .filter { $0.contains("tiktok-recorder.service") }
        #expect(verified.status == 0, "systemd-analyze verify exited \(verified.status): \(verified.stderr)")
        #expect(complaints.isEmpty, "systemd-analyze verify: \(complaints.joined(separator: "\n"))")
    }

    /// systemd must wait longer than the service's own grace period (which finishes every file) before it sends
    /// SIGKILL, reload must be SIGHUP, and a configuration error (exit 64) must not be restarted in a loop.
    @Test func theUnitStopsAndReloadsTheWayTheServiceExpects() throws {
        let text = try String(contentsOf: Self.unit, encoding: .utf8)
        var settings: [String: String] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let equals = line.firstIndex(of: "=") else { continue }
            settings[String(line[..<equals])] = String(line[line.index(after: equals)...])
        }
        let gracePeriod = 10
        let stopTimeout = try #require(settings["TimeoutStopSec"].flatMap { Int($0) })
        #expect(stopTimeout > gracePeriod, "TimeoutStopSec \(stopTimeout) must exceed the \(gracePeriod) s grace period")
        #expect(settings["KillSignal"] == "SIGTERM")
        #expect(settings["ExecReload"]?.contains("-HUP") == true)
        #expect(settings["RestartPreventExitStatus"]?.split(separator: " ").contains("64") == true)
    }
}
