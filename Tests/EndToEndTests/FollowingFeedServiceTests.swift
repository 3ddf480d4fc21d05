import CurlTransport
import Foundation
import Testing
import TikTokRecorder
import TikTokSimulator

/// With a session cookie, `run` reads TikTok's Following live feed first: a followed creator is found there long
/// before its own turn comes, a creator the session does not follow is still found by its own lookups, and when
/// the feed fails the per-creator lookups carry on alone. The cookie never shows in the log or the status.
@Suite(.serialized) struct FollowingFeedServiceTests {
    static let cookie = "feedtest0cookie0value0never0shown"

    /// `feed_followed` is looked up once an hour, so only the feed can find its live at 8 s in time;
    /// `feed_unfollowed` is not in the feed; the feed answers 302 from 26 s, after which `feed_later` (followed, live
    /// at 30 s) can only be found by its own lookups.
    static let scenarioYAML = """
        encoder: loop
        creators:
          - uniqueId: feed_followed
            userId: "6900000000000088001"
            roomId: "7300000000000088001"
            width: 320
            height: 180
            timeline:
              - {at: 8, live: }
              - {at: 8.5, chat: {rate: 2, for: 12, script: builtin}}
              - {at: 22, end: 3}
          - uniqueId: feed_unfollowed
            userId: "6900000000000088002"
            roomId: "7300000000000088002"
            width: 320
            height: 180
            followed: false
            timeline:
              - {at: 8, live: }
              - {at: 22, end: 3}
          - uniqueId: feed_later
            userId: "6900000000000088003"
            roomId: "7300000000000088003"
            width: 320
            height: 180
            timeline:
              - {at: 26, webFault: {fault: 302, endpoints: feed}}
              - {at: 30, live: }
              - {at: 44, end: 3}
          - uniqueId: feed_quiet
            userId: "6900000000000088004"
            roomId: "7300000000000088004"
            timeline: []
        """

    @Test func theFeedFindsFollowedLivesFirstAndItsFailureLeavesThePerCreatorLookups() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("feed-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let output = (directory as NSString).appendingPathComponent("recordings")
        let scenario = try ScenarioFile.parse(Self.scenarioYAML, file: "feed.yaml")
        let simulator = TikTokSimulator(scenario: scenario, logger: RecorderServiceTests.quiet)
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await simulator.run(port: 0) { portContinuation.yield($0) } }
            defer { group.cancelAll() }
            var iterator = ports.makeAsyncIterator()
            let port = try #require(await iterator.next())
            let simulatorStart = Date()
            let configPath = (directory as NSString).appendingPathComponent("recorder.yaml")
            try """
            output: \(output)
            tiktok: {baseURL: "http://127.0.0.1:\(port)", transport: signature-free}
            watch: {interval: 2s, requestsPerMinute: 120, returnWindow: 4s, minimumFreeSpace: 10MB, followingFeed: auto}
            status: {listen: "127.0.0.1:0"}
            creators:
              - {username: feed_followed, interval: 1h}
              - feed_unfollowed
              - feed_later
              - feed_quiet

            """.write(toFile: configPath, atomically: true, encoding: .utf8)
            let recorder = try RecorderProcess(
                arguments: ["run", "--config", configPath, "--log-level", "debug"], directory: directory,
                environment: [Secrets.sessionIDVariable: Self.cookie])
            defer { recorder.kill9IfRunning() }
            let statusPort = try #require(
                try await recorder.waitForLog(/status page on http:\/\/127\.0\.0\.1:(\d+)\//, within: 30), "log: \(recorder.log)")
            let status = StatusClient(port: Int(statusPort) ?? 0)

            let bothRecording = try await status.waitUntil(within: 40) { snapshot in
                Set(snapshot.recordings.map(\.username)).isSuperset(of: ["feed_followed", "feed_unfollowed"])
            }
            #expect(bothRecording?.budget.followingFeed == true, "log: \(recorder.log.suffix(3000))")
            let laterRecording = try await status.waitUntil(within: 50) { snapshot in
                snapshot.recordings.contains { $0.username == "feed_later" }
            }
            #expect(laterRecording != nil, "the per-creator lookups did not take over; log: \(recorder.log.suffix(3000))")
            #expect(laterRecording?.budget.followingFeed == false, "the status still shows the failed feed in use")
            let settled = try await status.waitUntil(within: 40) { snapshot in
                Date().timeIntervalSince(simulatorStart) > 45 && snapshot.recordings.isEmpty
            }
            #expect(settled != nil, "the recordings did not end")
            let statusText = try await Self.statusText(port: status.port)
            recorder.signal(SIGTERM)
            #expect(try await recorder.waitForExit(within: 25) == 0)

            let catalog = try await SQLiteCatalog.open(path: (output as NSString).appendingPathComponent("catalog.sqlite"))
            let feedOutcome = "listed live in the Following feed"
            let followedChecks = try await catalog.checks(creator: "feed_followed", limit: 50)
            let unfollowedChecks = try await catalog.checks(creator: "feed_unfollowed", limit: 50)
            let laterChecks = try await catalog.checks(creator: "feed_later", limit: 50)
            let sessions = try await catalog.sessions(CatalogFilter(limit: 10))
            try await catalog.close()
            #expect(followedChecks.contains { $0.outcome == feedOutcome }, "\(followedChecks.map(\.outcome))")
            #expect(!unfollowedChecks.contains { $0.outcome == feedOutcome }, "an unfollowed creator came from the feed")
            #expect(laterChecks.contains { $0.outcome.hasPrefix("live in room") }, "\(laterChecks.map(\.outcome))")
            #expect(!laterChecks.contains { $0.outcome == feedOutcome }, "the feed was asked while it failed")
            #expect(Set(sessions.map(\.creator)) == ["feed_followed", "feed_unfollowed", "feed_later"])

            // The feed was asked while it worked, refused once when it failed, and left alone afterwards.
            let feedRequests = simulator.groundTruth.webRequests.filter { $0.endpoint == .feed }
            let refused = feedRequests.filter { $0.refusal != nil }
            #expect(feedRequests.count > refused.count && !refused.isEmpty, "feed requests: \(feedRequests.count)")
            #expect(refused.count == 1, "the failed feed was asked again \(refused.count - 1) times within 10 minutes")
            #expect(!recorder.log.contains(Self.cookie), "the session cookie reached the log")
            #expect(!statusText.contains(Self.cookie), "the session cookie reached the status")
        }
    }

    static func statusText(port: Int) async throws -> String {
        let response = try await CurlHTTPClient().send(HTTPRequest(url: "http://127.0.0.1:\(port)/api/status"))
        return String(decoding: response.body, as: UTF8.self)
    }
}
