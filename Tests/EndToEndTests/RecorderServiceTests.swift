import CurlTransport
import Foundation
import Logging
import Testing
import TikTokRecorder
import TikTokSimulator

/// The service as an operator runs it: one `tiktok-recorder run` process watching 30 simulated creators, checked
/// against the simulator's ground truth, the catalog, the files (with ffprobe as an outside witness) and its own
/// status API; then a reload and a SIGTERM.
@Suite(.serialized) struct RecorderServiceTests {
    static let quiet = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    @Test func recordsEveryLiveOnceWithinTheBudgetThroughFaultsReloadAndShutdown() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("service-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let output = (directory as NSString).appendingPathComponent("recordings")
        let scenario = try ScenarioFile.parse(ServiceScenario.scenarioYAML, file: "service.yaml")
        let simulator = TikTokSimulator(scenario: scenario, logger: Self.quiet)
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await simulator.run(port: 0) { portContinuation.yield($0) } }
            defer { group.cancelAll() }
            var iterator = ports.makeAsyncIterator()
            let port = try #require(await iterator.next())
            let simulatorStart = Date()
            let configPath = (directory as NSString).appendingPathComponent("recorder.yaml")
            let everyone = ServiceScenario.live + ServiceScenario.offline
            try ServiceScenario.configurationYAML(baseURL: "http://127.0.0.1:\(port)", output: output, creators: everyone)
                .write(toFile: configPath, atomically: true, encoding: .utf8)
            let recorder = try RecorderProcess(arguments: ["run", "--config", configPath, "--log-level", "info"], directory: directory)
            defer { recorder.kill9IfRunning() }
            let statusPort = try #require(
                try await recorder.waitForLog(/status page on http:\/\/127\.0\.0\.1:(\d+)\//, within: 30), "log: \(recorder.log)")
            let status = StatusClient(port: Int(statusPort) ?? 0)

            // 1. Every live is found and recorded; the sessions close after their return windows.
            let settled = try await status.waitUntil(within: 120) { snapshot in
                Date().timeIntervalSince(simulatorStart) > 60 && snapshot.recordings.isEmpty
                    && !snapshot.creators.contains { $0.state == "waiting" || $0.state == "live" }
            }
            #expect(settled != nil, "the recordings did not all end; log: \(recorder.log.suffix(3000))")

            // 2. Reload: one creator added (live from 40 s), one removed.
            let reloaded = everyone.filter { $0 != ServiceScenario.offline.last } + [ServiceScenario.addedLater]
            try ServiceScenario.configurationYAML(baseURL: "http://127.0.0.1:\(port)", output: output, creators: reloaded)
                .write(toFile: configPath, atomically: true, encoding: .utf8)
            let afterReload = try await status.waitUntil(within: 20) { snapshot in
                let names = Set(snapshot.creators.map(\.username))
                return names.contains(ServiceScenario.addedLater) && !names.contains(ServiceScenario.offline.last!)
            }
            #expect(afterReload != nil, "the reload did not take effect; log: \(recorder.log.suffix(2000))")
            // The added creator is recorded once the firewall backoff is over.
            let recordingLate = try await status.waitUntil(within: 120) { snapshot in
                snapshot.recordings.contains { $0.username == ServiceScenario.addedLater && $0.seconds > 3 }
            }
            #expect(recordingLate != nil, "the added creator was not recorded; log: \(recorder.log.suffix(2000))")

            // 3. A bad edit is refused and the running configuration stays.
            try "creators:\n  - ok_name\n  - ../../etc\n".write(toFile: configPath, atomically: true, encoding: .utf8)
            let refused = try await status.waitUntil(within: 20) { $0.configuration.reloadError != nil }
            #expect(refused?.configuration.reloadError?.contains("recorder.yaml:3:") == true)
            #expect(refused?.creators.count == reloaded.count)

            // 4. SIGTERM finishes every file and exits 0.
            recorder.signal(SIGTERM)
            let exit = try await recorder.waitForExit(within: 25)
            #expect(exit == 0, "log: \(recorder.log.suffix(2000))")

            try await Self.checkCatalogAndFiles(output: output, truth: simulator.groundTruth)
            try Self.checkBudget(truth: simulator.groundTruth)
            #expect(!recorder.log.contains("Traceback"))
        }
    }

    /// Every live has exactly one session; the room id change is a second part of it; nobody else was recorded;
    /// every MP4 plays, every chat file parses; every file is inside the output folder.
    static func checkCatalogAndFiles(output: String, truth: GroundTruth) async throws {
        let catalog = try await SQLiteCatalog.open(path: (output as NSString).appendingPathComponent("catalog.sqlite"))
        let sessions = try await catalog.sessions(CatalogFilter(limit: 1000, newestFirst: false))
        var parts: [SessionID: [PartRecord]] = [:]
        for session in sessions { parts[session.id] = try await catalog.parts(session: session.id) }
        try await catalog.close()
        let byCreator = Dictionary(grouping: sessions, by: \.creator)
        for (offset, name) in ServiceScenario.live.enumerated() {
            #expect(byCreator[name]?.count == 1, "\(name): \(byCreator[name]?.count ?? 0) sessions")
            // Found while ten lives run at once: recordings in progress hold no detection capacity. The live's start
            // is its room's first event in the ground truth (chat begins half a second after it goes live).
            let room = Int64(ServiceScenario.roomID(offset + 1))
            if let session = byCreator[name]?.first,
                let first = truth.pushedEvents.filter({ $0.roomID == room }).map(\.createTime).min()
            {
                let latency = session.startedAt.timeIntervalSince1970 - Double(first) / 1000
                #expect(latency < ServiceScenario.detectionAllowance, "\(name) was recorded \(latency) s after going live")
            }
        }
        for name in ServiceScenario.offline {
            #expect(byCreator[name] == nil, "\(name) was never live but has a session (a phantom recording)")
        }
        #expect(byCreator[ServiceScenario.addedLater]?.count == 1)
        // The live moved to a new room id while its video went on: one part, and the chat followed it there.
        let moved = try #require(byCreator[ServiceScenario.live[2]]?.first)
        let movedChat = try #require(parts[moved.id]?.first?.files.first { $0.hasSuffix(".chat.jsonl") })
        let movedText = try String(contentsOfFile: (output as NSString).appendingPathComponent(movedChat), encoding: .utf8)
        let newRoom = Int64(ServiceScenario.roomID(300))
        let pushedInNewRoom = truth.pushedEvents.filter { $0.roomID == newRoom && $0.type == "chat" }
        let received = pushedInNewRoom.filter { movedText.contains("\"msgId\":\"\($0.msgID)\"") }
        #expect(!pushedInNewRoom.isEmpty)
        #expect(
            received.count * 10 >= pushedInNewRoom.count * 8, "\(received.count) of \(pushedInNewRoom.count) chat messages after the move")
        let paused = try #require(byCreator[ServiceScenario.live[3]]?.first)
        #expect(parts[paused.id]?.count == 1, "a pause keeps one part")
        let ffprobe = try ExternalTools.ffmpegTool("ffprobe")
        let root = URL(fileURLWithPath: output).standardizedFileURL.path
        for session in sessions {
            for part in parts[session.id] ?? [] {
                #expect(part.endedAt != nil, "part \(part.index) of \(session.creator) was left open")
                for file in part.files {
                    let path = URL(fileURLWithPath: (output as NSString).appendingPathComponent(file)).standardizedFileURL.path
                    #expect(path.hasPrefix(root + "/"), "\(file) is outside the output folder")
                    guard FileManager.default.fileExists(atPath: path) else {
                        Issue.record("\(file) is in the catalog but not on disk")
                        continue
                    }
                    if file.hasSuffix(".mp4") {
                        let probe = try await ExternalTools.run(
                            ffprobe, ["-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", path])
                        let seconds = Double(probe.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
                        #expect(seconds > 1, "\(file) plays \(seconds) s")
                    }
                    if file.hasSuffix(".chat.jsonl") {
                        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
                        for line in lines {
                            #expect((try? JSONSerialization.jsonObject(with: Data(line.utf8))) != nil, "\(file): \(line)")
                        }
                    }
                }
            }
            #expect(session.events > 0, "\(session.creator) has no chat")
        }
    }

    /// The simulator never saw more than the budget in any minute, and no web request during the firewall backoff.
    static func checkBudget(truth: GroundTruth) throws {
        #expect(truth.maxWebRequests(inAnyWindowOf: 60) <= ServiceScenario.requestsPerMinute)
        #expect(!truth.faults.contains { $0.hasPrefix("web.403") }, "the budget was exceeded: \(truth.faults)")
        let requests = truth.webRequests.sorted { $0.at < $1.at }
        // The first refused request backs every check off for at least 48 s (60 s less 20 % jitter). Requests that
        // were already on their way when it was answered may still arrive within the next second.
        let refused = try #require(requests.first { $0.refusal == "waf" }, "the firewall burst never reached the recorder")
        let during = requests.filter { $0.at > refused.at.addingTimeInterval(1) && $0.at < refused.at.addingTimeInterval(45) }
        #expect(during.isEmpty, "web requests during the backoff: \(during.map { "\($0.endpoint.rawValue) at \($0.at)" })")
    }
}

/// Reads the service's `/api/status`.
struct StatusClient {
    let port: Int

    func snapshot() async throws -> StatusSnapshot {
        let response = try await CurlHTTPClient().send(HTTPRequest(url: "http://127.0.0.1:\(self.port)/api/status"))
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode(StatusSnapshot.self, from: Data(response.body))
    }

    /// Polls until `condition` holds (returns that snapshot) or `seconds` pass (returns nil).
    func waitUntil(within seconds: Double, _ condition: (StatusSnapshot) -> Bool) async throws -> StatusSnapshot? {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let snapshot = try? await self.snapshot(), condition(snapshot) { return snapshot }
            try await Task.sleep(for: .milliseconds(250))
        }
        return nil
    }
}

/// A `kill -9` in the middle of a live: the next start marks the cut part interrupted (its fragmented MP4 plays) and
/// records on as the next part of the same session.
@Suite(.serialized) struct RecorderCrashTests {
    @Test func afterKillNineTheNextStartContinuesTheSessionAsItsNextPart() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("crash-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let output = (directory as NSString).appendingPathComponent("recordings")
        let scenario = try ScenarioFile.parse(
            """
            encoder: loop
            creators:
              - uniqueId: crash_creator
                userId: "6900000000000077001"
                roomId: "7300000000000077001"
                width: 320
                height: 180
                timeline:
                  - {at: 1, live: }
                  - {at: 1.5, chat: {rate: 2, for: 80, script: builtin}}
                  - {at: 90, end: 3}
            """, file: "crash.yaml")
        let simulator = TikTokSimulator(scenario: scenario, logger: RecorderServiceTests.quiet)
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await simulator.run(port: 0) { portContinuation.yield($0) } }
            defer { group.cancelAll() }
            var iterator = ports.makeAsyncIterator()
            let port = try #require(await iterator.next())
            let configPath = (directory as NSString).appendingPathComponent("recorder.yaml")
            try """
            output: \(output)
            tiktok: {baseURL: "http://127.0.0.1:\(port)", transport: signature-free}
            watch: {interval: 1s, requestsPerMinute: 300, returnWindow: 60s, minimumFreeSpace: 10MB}
            status: {listen: "127.0.0.1:0"}
            creators: [crash_creator]

            """.write(toFile: configPath, atomically: true, encoding: .utf8)
            func start() async throws -> (RecorderProcess, StatusClient) {
                let process = try RecorderProcess(arguments: ["run", "--config", configPath], directory: directory)
                let port = try #require(
                    try await process.waitForLog(/status page on http:\/\/127\.0\.0\.1:(\d+)\//, within: 30), "\(process.log)")
                return (process, StatusClient(port: Int(port) ?? 0))
            }
            let (first, firstStatus) = try await start()
            defer { first.kill9IfRunning() }
            let recording = try await firstStatus.waitUntil(within: 40) { $0.recordings.first.map { $0.seconds > 4 } == true }
            #expect(recording != nil, "the first run never recorded; log: \(first.log.suffix(2000))")
            first.signal(SIGKILL)
            _ = try await first.waitForExit(within: 10)

            let (second, secondStatus) = try await start()
            defer { second.kill9IfRunning() }
            let resumed = try await secondStatus.waitUntil(within: 40) { snapshot in
                snapshot.recordings.first.map { $0.part == 2 && $0.seconds > 3 } == true
            }
            #expect(resumed != nil, "the second run did not record on as part 2; log: \(second.log.suffix(2000))")
            second.signal(SIGTERM)
            #expect(try await second.waitForExit(within: 25) == 0)

            let catalog = try await SQLiteCatalog.open(path: (output as NSString).appendingPathComponent("catalog.sqlite"))
            let sessions = try await catalog.sessions(CatalogFilter(limit: 10))
            let session = try #require(sessions.first)
            let parts = try await catalog.parts(session: session.id)
            try await catalog.close()
            #expect(sessions.count == 1)
            #expect(parts.map(\.endReason) == ["interrupted", "shutdown"])
            #expect(parts.last?.reason == "restart")
            let ffprobe = try ExternalTools.ffmpegTool("ffprobe")
            for part in parts {
                let mp4 = try #require(part.files.first { $0.hasSuffix(".mp4") })
                let probe = try await ExternalTools.run(
                    ffprobe,
                    ["-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", (output as NSString).appendingPathComponent(mp4)])
                #expect((Double(probe.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0) > 2, "part \(part.index) plays \(probe)")
            }
        }
    }
}
