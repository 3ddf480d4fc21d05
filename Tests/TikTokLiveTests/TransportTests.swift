import Foundation
import Testing
import TikTokSimulator

@testable import TikTokLive

/// The event transport against the simulator: the sign server's failures as typed errors, the WebSocket's refusal,
/// heartbeats at the announced interval, reconnection without loss or duplicates, and the end of a live with and
/// without its end message.
@Suite(.serialized) struct TransportTests {
    /// Runs the built-in room's feed once, with no retries, and returns the error it fails with.
    func feedError(_ client: TikTokLiveClient) async throws -> TikTokLiveError? {
        let live = try await SimulatorHarness.trackWhenLive(client)
        do {
            try await live.run()
            return nil
        } catch let error as TikTokLiveError {
            return error
        }
    }

    @Test(arguments: [
        (TransportFaults.SignerFault.unauthorized, "signerRefused401"),
        (.paymentRequired, "signerRefused402"),
        (.forbidden, "signerRefused403"),
        (.rateLimited(resetInSeconds: 42), "signerRateLimited"),
        (.serverError, "signerFailed500"),
        (.emptyBody, "incomplete:empty body"),
        (.missingCursor, "incomplete:missing cursor"),
    ])
    func everySignerFailureSurfacesAsItsTypedError(fault: TransportFaults.SignerFault, expected: String) async throws {
        try await SimulatorHarness.with { simulator, baseURL in
            simulator.transportFaults.failNextSignerFetches(fault)
            let client = SimulatorHarness.client(baseURL) { $0.reconnect.maxAttempts = 0 }
            let error = try #require(try await self.feedError(client))
            switch (error, expected) {
            case (.signerRefused(let status, let message), _) where expected == "signerRefused\(status)":
                #expect(!message.isEmpty)
            case (.signerRateLimited(let retryAfter, let message), "signerRateLimited"):
                // RateLimit-Reset is a Unix time 42 s ahead: the client turns it into seconds to wait.
                #expect((40...43).contains(retryAfter ?? -1))
                #expect(message.contains("Too many connections"))
                #expect(error.description.contains("retry after"))
            case (.signerFailed(500, let message), "signerFailed500"):
                #expect(message.contains("Empty response payload"))
            case (.signerResponseIncomplete(let reason), _) where expected.hasPrefix("incomplete:"):
                #expect(reason.contains(expected.dropFirst("incomplete:".count)))
            default:
                Issue.record("expected \(expected), got \(error)")
            }
            #expect(simulator.groundTruth.faults.first?.hasPrefix("signer.") == true)
        }
    }

    @Test func transientSignerFailuresAreRetriedAndTheFeedStillOpens() async throws {
        try await SimulatorHarness.with { simulator, baseURL in
            simulator.transportFaults.failNextSignerFetches(.serverError, .emptyBody)
            let client = SimulatorHarness.client(baseURL)
            let (events, _) = try await SimulatorHarness.collectEvents(client, timeout: .seconds(20)) { events in
                events.contains { $0.type == "chat" && !$0.isHistory }
            }
            #expect(events.contains { $0.type == "chat" })
            #expect(simulator.groundTruth.faults.count == 2)
        }
    }

    @Test func theSignerAPIKeyIsSentAndAWrongOneIsRefused() async throws {
        try await SimulatorHarness.with { simulator, baseURL in
            simulator.transportFaults.requireAPIKey("right-key")
            let wrong = SimulatorHarness.client(baseURL) {
                $0.signerAPIKey = "wrong-key"
                $0.reconnect.maxAttempts = 0
            }
            let error = try await self.feedError(wrong)
            guard case .signerRefused(401, _) = error else {
                Issue.record("expected signerRefused(401), got \(String(describing: error))")
                return
            }
            #expect(!(error?.description.contains("wrong-key") ?? true), "the key must never appear in errors")

            let right = SimulatorHarness.client(baseURL) { $0.signerAPIKey = "right-key" }
            let (events, _) = try await SimulatorHarness.collectEvents(right, timeout: .seconds(20)) { !$0.isEmpty }
            #expect(!events.isEmpty)
        }
    }

    @Test func aRefusedHandshakeIsATypedErrorAndIsNotRetried() async throws {
        try await SimulatorHarness.with { simulator, baseURL in
            simulator.transportFaults.rejectNextHandshakes(.deviceBlocked)
            let client = SimulatorHarness.client(baseURL) { $0.reconnect.maxAttempts = 5 }
            let error = try await self.feedError(client)
            #expect(error == .handshakeRejected(httpStatus: 200, handshakeStatus: "415", message: "DEVICE_BLOCKED"))
            #expect(error?.description.contains("user agent") == true)
            #expect(simulator.groundTruth.faults == ["handshake.415.DEVICE_BLOCKED"])
            #expect(simulator.groundTruth.socketsOpened == 0)
        }
    }

    @Test func heartbeatsFollowThePingIntervalTheServerAnnounces() async throws {
        try await SimulatorHarness.with { simulator, baseURL in
            simulator.transportFaults.announcePingInterval(seconds: 1)
            let client = SimulatorHarness.client(baseURL)
            _ = try await SimulatorHarness.collectEvents(client, timeout: .milliseconds(3500))
            // The fetch result says 10 s; the handshake's 1 s wins, so three seconds carry at least two heartbeats.
            #expect(simulator.groundTruth.heartbeatsReceived >= 2)
            #expect(simulator.groundTruth.acksReceived >= 1)
        }
    }

    @Test func aDroppedSocketIsReopenedAtTheCursorWithNoEventLostOrRepeated() async throws {
        let scenario = SimulatorScenario.builtIn(liveAfter: .zero, liveDuration: .seconds(9))
        try await SimulatorHarness.with(scenario) { simulator, baseURL in
            simulator.transportFaults.dropSockets(afterFrames: 4)
            // Every socket here dies within seconds, so each drop counts as one more failure in a row.
            let client = SimulatorHarness.client(baseURL) { $0.reconnect.maxAttempts = 20 }
            let (events, live) = try await SimulatorHarness.collectEvents(client, timeout: .seconds(40))
            let pushed = simulator.groundTruth.pushedEvents.filter { $0.type == "chat" }.map(\.msgID)
            let received = events.filter { $0.type == "chat" }.map(\.msgID)
            #expect(pushed.count >= 8)
            #expect(received == pushed, "every chat exactly once, in order, across reconnects")
            #expect(live.reconnectCount >= 1)
            #expect(simulator.groundTruth.socketsOpened >= 2)
            #expect(simulator.groundTruth.faults.contains("socket.dropped"))
            #expect(events.last?.isStreamEnd == true)
        }
    }

    @Test func aLiveThatEndsWithoutAnEndMessageStillEndsTheFeed() async throws {
        let scenario = SimulatorScenario.builtIn(liveAfter: .zero, liveDuration: .seconds(4))
        try await SimulatorHarness.with(scenario) { simulator, baseURL in
            simulator.transportFaults.omitEndMessage(true)
            let client = SimulatorHarness.client(baseURL)
            let started = ContinuousClock.now
            let (events, _) = try await SimulatorHarness.collectEvents(client, timeout: .seconds(60))
            // check_alive confirms the end long before the test's own timeout.
            #expect(ContinuousClock.now - started < .seconds(20))
            #expect(!events.contains { $0.isStreamEnd })
            #expect(events.contains { $0.type == "chat" })
        }
    }

    @Test func theSignatureFreeTransportNeedsNoSignServer() async throws {
        try await SimulatorHarness.with { simulator, baseURL in
            // Every signer call would fail; the signature-free path never makes one.
            simulator.transportFaults.failNextSignerFetches(.unauthorized, .unauthorized, .unauthorized)
            let client = SimulatorHarness.client(baseURL) { $0.eventTransport = .signatureFree }
            let (events, _) = try await SimulatorHarness.collectEvents(client, timeout: .seconds(20)) { events in
                events.contains { $0.type == "chat" }
            }
            #expect(events.contains { $0.type == "chat" })
            #expect(simulator.groundTruth.faults.isEmpty)
        }
    }

    @Test(arguments: [("socks5h", LocalProxy.Method.socks5), ("http", .httpConnect)])
    func theEventWebSocketGoesThroughTheConfiguredProxy(scheme: String, method: LocalProxy.Method) async throws {
        try await SimulatorHarness.with { simulator, baseURL in
            try await SimulatorHarness.withProxy { proxy, proxyPort in
                let client = SimulatorHarness.client(baseURL) { $0.webSocketProxy = "\(scheme)://127.0.0.1:\(proxyPort)" }
                let (events, _) = try await SimulatorHarness.collectEvents(client, timeout: .seconds(20)) { events in
                    events.contains { $0.type == "chat" }
                }
                #expect(events.contains { $0.type == "chat" })
                let target = String(baseURL.dropFirst("http://".count))
                #expect(proxy.connectionCount(to: target, method: method) >= 1, "the socket must be tunnelled, not direct")
                #expect(simulator.groundTruth.socketsOpened >= 1)
            }
        }
    }

    @Test func aTraceFileRecordsBothDirectionsAndReplaysToTheSameEvents() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("trace-\(UUID().uuidString).ttlive").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let scenario = SimulatorScenario.builtIn(liveAfter: .zero, liveDuration: .seconds(5))
        let live = try await SimulatorHarness.with(scenario) { _, baseURL in
            let client = SimulatorHarness.client(baseURL) { $0.webSocketTraceFile = path }
            return try await SimulatorHarness.collectEvents(client, timeout: .seconds(30))
        }
        var reader = try WebSocketTraceReader(path: path)
        var replayed: [LiveEvent] = []
        let summary = try WebSocketTraceReplayer(includeSent: true).replay(&reader) { output in
            if case .event(let event, _) = output { replayed.append(event) }
        }
        #expect(summary.sentFrames["im_enter_room"] == 1)
        #expect((summary.sentFrames["ack"] ?? 0) >= 1)
        #expect((summary.receivedFrames["msg"] ?? 0) >= 2)
        // Everything the socket delivered is in the trace; the live also saw the signer's first batch, over HTTP.
        let liveIDs = Set(live.events.map(\.msgID))
        #expect(!replayed.isEmpty)
        #expect(replayed.allSatisfy { liveIDs.contains($0.msgID) })
        #expect(replayed.contains { $0.isStreamEnd })
    }

    @Test func giftStreaksFromTheSimulatorAreCountedOnceEachEvenWithoutTheirEnd() async throws {
        let scenario = SimulatorScenario.builtIn(liveAfter: .zero, liveDuration: .seconds(6))
        try await SimulatorHarness.with(scenario) { simulator, baseURL in
            let client = SimulatorHarness.client(baseURL)
            async let collected = SimulatorHarness.collectEvents(client, timeout: .seconds(40))
            try await Task.sleep(for: .seconds(2))
            // A Rose streak of 5 with its end, one of 3 whose end never comes, and a single 500-diamond gift.
            try await simulator.sendGift(to: "sim_creator", from: 0, giftID: 5655, name: "Rose", type: 1, diamondCount: 1, count: 5)
            try await simulator.sendGift(
                to: "sim_creator", from: 1, giftID: 5655, name: "Rose", type: 1, diamondCount: 1, count: 3, sendEnd: false
            )
            try await simulator.sendGift(to: "sim_creator", from: 2, giftID: 7934, name: "Lion", type: 2, diamondCount: 500, count: 1)
            let events: [LiveEvent] = try await collected.events
            var gifts: [LiveEvent.Gift] = []
            for event in events {
                if case .gift(let gift) = event.kind { gifts.append(gift) }
            }
            let counted: [Int64] = gifts.compactMap(\.countedDiamonds)
            #expect(counted.reduce(0, +) == 508, "5 + 3 Roses at 1 diamond and one 500-diamond gift")
            #expect(counted.count == 3, "each gift counted exactly once")
            let unconfirmed = gifts.filter { $0.streak == .closedUnconfirmed }
            #expect(unconfirmed.map(\.repeatCount) == [3])
            let ended = gifts.filter { $0.streak == .ended }
            #expect(ended.map(\.repeatCount) == [5])
            let single = gifts.filter { $0.streak == .single }
            #expect(single.map(\.countedDiamonds) == [500])
        }
    }

    @Test func aSocketThatKeepsDroppingAtOnceUsesUpTheAttemptsAndFails() async throws {
        try await SimulatorHarness.with { simulator, baseURL in
            simulator.transportFaults.dropSockets(afterFrames: 1)
            let client = SimulatorHarness.client(baseURL) { $0.reconnect.maxAttempts = 2 }
            let error = try await self.feedError(client)
            guard case .webSocket(let reason) = error else {
                Issue.record("expected a WebSocket error after the attempts ran out, got \(String(describing: error))")
                return
            }
            #expect(reason.contains("gave up after 2 reconnect attempts"))
            #expect(simulator.groundTruth.socketsOpened == 3, "the first socket and two reconnects")
        }
    }

    @Test func theSignersPublishedLimitReplacesTheDefault() async throws {
        try await SimulatorHarness.with { simulator, baseURL in
            simulator.transportFaults.publishRateLimit(perMinute: 7)
            let client = SimulatorHarness.client(baseURL)
            _ = try await SimulatorHarness.collectEvents(client, timeout: .seconds(20)) { !$0.isEmpty }
            let limits = await SignerRateLimiter.shared(for: client.configuration).currentLimits
            #expect(limits?.perMinute == 7)
        }
    }

    @Test func theRateLimiterMakesTheRequestBeyondTheLimitWait() async throws {
        let limiter = SignerRateLimiter(limits: .init(perMinute: 2, perHour: nil))
        try await limiter.acquire()
        try await limiter.acquire()
        let third = await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                (try? await limiter.acquire()) != nil
            }
            group.addTask {
                try? await Task.sleep(for: .milliseconds(500))
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
        #expect(!third, "a third request within the minute must wait for a slot")
    }
}
