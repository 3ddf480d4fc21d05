import Foundation
import Testing

@testable import TikTokSimulator

/// The ground truth's log of web requests, read back as a budget check on a virtual clock.
@Suite struct GroundTruthRequestLogTests {
    static let start = Date(timeIntervalSince1970: 1_800_000_000)

    /// A ground truth with one request at each of `offsets` (seconds after ``start``).
    static func truth(_ offsets: [Double], endpoint: WebFaults.Endpoint = .userRoomAPI) -> GroundTruth {
        let truth = GroundTruth()
        for offset in offsets { truth.recordWebRequest(endpoint, at: Self.start.addingTimeInterval(offset)) }
        return truth
    }

    @Test func theBusiestWindowCountsRequestsLessThanItsLengthApart() {
        let truth = Self.truth([0, 1, 2, 59.5, 61, 62])
        #expect(truth.maxWebRequests(inAnyWindowOf: 60) == 4, "0, 1, 2 and 59.5 s fit in one minute; 61 s is a minute after 1 s")
        #expect(truth.maxWebRequests(inAnyWindowOf: 10) == 3)
        #expect(truth.maxWebRequests(inAnyWindowOf: 3600) == 6)
        #expect(Self.truth([0, 60, 120]).maxWebRequests(inAnyWindowOf: 60) == 1, "a minute apart is in the next minute")
        #expect(Self.truth([0, 59.999, 120]).maxWebRequests(inAnyWindowOf: 60) == 2)
    }

    @Test func noRequestsOrNoWindowIsZero() {
        #expect(GroundTruth().maxWebRequests(inAnyWindowOf: 60) == 0)
        #expect(Self.truth([0, 0, 0]).maxWebRequests(inAnyWindowOf: 0) == 0)
        #expect(Self.truth([0, 0, 0]).maxWebRequests(inAnyWindowOf: 0.001) == 3, "simultaneous requests share every window")
    }

    @Test func requestsAreKeptInArrivalOrderWithTheirEndpoints() {
        let truth = GroundTruth()
        truth.recordWebRequest(.checkAlive, at: Self.start)
        truth.recordWebRequest(.feed, at: Self.start.addingTimeInterval(0.5))
        #expect(
            truth.webRequests == [
                .init(endpoint: .checkAlive, at: Self.start), .init(endpoint: .feed, at: Self.start.addingTimeInterval(0.5)),
            ])
    }
}
