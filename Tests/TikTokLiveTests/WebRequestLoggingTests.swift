import Logging
import Testing
import TikTokLive
import TikTokSimulator

extension WebAPITests {
    /// `logRequests`: one debug record per request with the redacted URL, status and duration, and never a cookie.
    @Suite struct RequestLoggingTests {
        @Test func requestsAreLoggedRedactedWhenAskedAndNotOtherwise() async throws {
            try await WebSimulator.with(WebSimulator.offline, configure: { $0.sessionID = "secret-session-123" }) { simulator, client in
                let quietLogs = CapturedLogs()
                _ = try await TikTokLiveClient(configuration: client.configuration, logger: quietLogs.logger()).isLive(roomIDs: ["1"])
                #expect(quietLogs.all.filter { $0.metadata["http.url"] != nil }.isEmpty)

                var configuration = client.configuration
                configuration.logRequests = true
                let logs = CapturedLogs()
                let logging = TikTokLiveClient(configuration: configuration, logger: logs.logger())
                _ = try await logging.userInfo(username: "sim_creator")
                simulator.webFaults.inject(.rateLimited(retryAfter: 5), on: [.checkAlive])
                _ = try? await logging.isLive(roomIDs: [WebSimulator.roomID])

                let records = logs.all.filter { $0.metadata["http.url"] != nil }
                #expect(records.count == 2)
                #expect(records.allSatisfy { $0.level == .debug })
                #expect(records.map { $0.metadata["http.status"] } == ["200", "429"])
                #expect(records[0].metadata["http.url"]?.hasSuffix("/api-live/user/room/?…") == true)
                #expect(records[1].metadata["http.url"]?.hasSuffix("/webcast/room/check_alive/?…") == true)
                #expect(records.allSatisfy { Int($0.metadata["http.duration_ms"] ?? "") != nil })
                let everything = logs.all.map { "\($0.message) \($0.metadata)" }.joined()
                #expect(!everything.contains("secret-session-123"))
                #expect(!everything.contains("uniqueId="))
            }
        }
    }
}
