import Foundation
import LiveMedia
import Logging
import Testing
import TikTokSimulator

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The simulator's CDN faults, as a viewer of the HTTP-FLV stream sees them: when tags arrive and what their
/// timestamps say.
@Suite(.serialized) struct CDNFaultTests {
    static let quiet = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    /// Runs a simulator playing `scenario`, waits until `sim_creator` is live and hands `body` the simulator and the
    /// room info answer (with its stream URLs).
    static func withLiveRoom(
        _ scenario: SimulatorScenario = .builtIn(liveAfter: .zero, liveDuration: .seconds(60)),
        _ body: @Sendable @escaping (TikTokSimulator, _ roomInfo: Any?) async throws -> Void
    ) async throws {
        let simulator = TikTokSimulator(scenario: scenario, logger: Self.quiet)
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await simulator.run(port: 0) { portContinuation.yield($0) } }
            defer { group.cancelAll() }
            var iterator = ports.makeAsyncIterator()
            let base = "http://127.0.0.1:\(try #require(await iterator.next()))"
            var roomID: String?
            for _ in 0..<40 where roomID == nil {
                let lookup = try await GroundTruthLogTests.get("\(base)/api-live/user/room/?uniqueId=sim_creator")
                let user = ((lookup.json as? [String: Any])?["data"] as? [String: Any])?["user"] as? [String: Any]
                if user?["status"] as? Int == 2 {
                    roomID = user?["roomId"] as? String
                } else {
                    try await Task.sleep(for: .milliseconds(100))
                }
            }
            let info = try await GroundTruthLogTests.get("\(base)/webcast/room/info/?room_id=\(try #require(roomID))")
            try await body(simulator, info.json)
        }
    }

    /// Runs a simulator whose built-in creator is live at once, waits until the live is on and `warmUp` has passed,
    /// and hands `body` the simulator and the stream's FLV URL.
    static func withLiveStream(
        warmUp: Duration = .zero, _ body: @Sendable @escaping (TikTokSimulator, String) async throws -> Void
    ) async throws {
        try await Self.withLiveRoom { simulator, roomInfo in
            let url = try #require(GroundTruthLogTests.flvURLs(in: roomInfo).first)
            try await Task.sleep(for: warmUp)
            try await body(simulator, url)
        }
    }

    @Test func aStalledStreamStopsSendingForTheStallAndThenGoesOn() async throws {
        try await Self.withLiveStream { simulator, url in
            simulator.cdnFaults.stallNextViewers(1, forSeconds: 2, afterSeconds: 0.5)
            let stalled = try await FLVWatch.watch(url, seconds: 4.5)
            let control = try await FLVWatch.watch(url, seconds: 1.5)
            #expect(stalled.status == 200 && !stalled.ended, "the connection stays open through the stall")
            #expect(stalled.longestGap >= 1.9, "no tag for the 2 s stall (longest gap \(stalled.longestGap) s)")
            #expect(stalled.media.last.map { $0.arrival > 3 } == true, "tags flow again after the stall")
            #expect(control.longestGap < 1, "the next viewer is not stalled (longest gap \(control.longestGap) s)")
            #expect(simulator.groundTruth.faults == ["cdn.stall"])
        }
    }

    @Test func aDroppedConnectionEndsTheStreamAfterItsSecondsOfMedia() async throws {
        try await Self.withLiveStream { simulator, url in
            simulator.cdnFaults.dropNextViewers(1, afterSeconds: 2)
            let dropped = try await FLVWatch.watch(url, seconds: 6)
            #expect(dropped.status == 200 && dropped.ended, "the CDN closed the stream while the live goes on")
            #expect(dropped.mediaSpan >= 1900 && dropped.mediaSpan < 3000, "about 2 s of media (\(dropped.mediaSpan) ms)")
            #expect((dropped.media.last?.arrival ?? 9) < 4, "the stream ended early")
            #expect(simulator.groundTruth.faults == ["cdn.drop"])
        }
    }

    @Test func aTimestampJumpMovesEveryLaterTagForwardOnce() async throws {
        try await Self.withLiveStream { simulator, url in
            async let watched = FLVWatch.watch(url, seconds: 3)
            try await Task.sleep(for: .seconds(1))
            simulator.cdnFaults.jumpTimestamps(byMilliseconds: 5000)
            let stream = try await watched
            let video = stream.media.filter { $0.tag.kind == .video }.map { Int64($0.tag.timestamp) }
            let steps = zip(video, video.dropFirst()).map { $1 - $0 }
            #expect(steps.filter { $0 >= 5000 }.count == 1, "one jump of at least 5 s")
            #expect(steps.allSatisfy { $0 >= 0 && ($0 < 1000 || $0 >= 5000) }, "otherwise steady timestamps")
            #expect(simulator.groundTruth.faults == ["cdn.timestampJump"])
        }
    }

    @Test func aDuplicatedGOPRepeatsKeyframesWithTheirOriginalTimestamps() async throws {
        try await Self.withLiveStream(warmUp: .seconds(2.5)) { simulator, url in
            simulator.cdnFaults.duplicatePreviousGOPForNextViewers(1)
            let duplicated = try await FLVWatch.watch(url, seconds: 1.5)
            let control = try await FLVWatch.watch(url, seconds: 1.5)
            func keyframes(_ watch: FLVWatch.Result) -> [UInt32] { watch.media.filter(\.isKeyframe).map(\.tag.timestamp) }
            let repeated = keyframes(duplicated)
            #expect(zip(repeated, repeated.dropFirst()).contains { $1 <= $0 }, "a keyframe timestamp regresses: \(repeated)")
            #expect(Set(repeated).count < repeated.count, "a keyframe is sent twice: \(repeated)")
            let plain = keyframes(control)
            #expect(zip(plain, plain.dropFirst()).allSatisfy { $1 > $0 }, "the next viewer gets no duplicate: \(plain)")
            #expect(simulator.groundTruth.faults == ["cdn.duplicateGOP"])
        }
    }

    @Test func aConnectTimeBurstSendsSecondsOfBufferedVideoAtOnce() async throws {
        try await Self.withLiveStream(warmUp: .seconds(5)) { simulator, url in
            simulator.cdnFaults.burstNextViewers(1, seconds: 4)
            let burst = try await FLVWatch.watch(url, seconds: 1)
            let control = try await FLVWatch.watch(url, seconds: 1)
            #expect(burst.mediaSpan >= 4000, "4 s of media in the first second (\(burst.mediaSpan) ms)")
            #expect(control.mediaSpan < 3500, "a plain viewer gets one GOP and live (\(control.mediaSpan) ms)")
            #expect(simulator.groundTruth.faults == ["cdn.burst"])
        }
    }

    @Test func aFixedLatencyHoldsTheStreamBackByThatMuch() async throws {
        try await Self.withLiveStream { simulator, url in
            simulator.cdnFaults.setLatency(milliseconds: 1500)
            async let delayed = FLVWatch.watch(url, seconds: 4)
            try await Task.sleep(for: .milliseconds(200))
            simulator.cdnFaults.setLatency(milliseconds: nil)
            let live = try await FLVWatch.watch(url, seconds: 3.8)
            let late = try await delayed
            let firstTag = try #require(late.tags.first)
            #expect(firstTag.arrival >= 1.45, "nothing arrives for 1.5 s (first tag after \(firstTag.arrival) s)")
            let lag = Int64(try #require(live.media.last).tag.timestamp) - Int64(try #require(late.media.last).tag.timestamp)
            #expect(lag >= 1300 && lag < 2000, "the delayed viewer is 1.5 s behind live (\(lag) ms)")
            #expect((live.tags.first?.arrival ?? 9) < 0.5, "without latency the stream starts at once")
            #expect(simulator.groundTruth.faults == ["cdn.latency"])
        }
    }
}
