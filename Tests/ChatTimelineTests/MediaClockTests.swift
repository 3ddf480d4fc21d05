import Testing

@testable import ChatTimeline

@Suite struct MediaClockTests {
    @Test func isUnsynchronisedUntilTheFirstFrame() {
        let clock = MediaClock()
        #expect(clock.mediaTime(serverTimeMilliseconds: 1_000_000) == nil)
        clock.observe(mediaTime: 0, wallClock: 1000)
        #expect(clock.mediaTime(serverTimeMilliseconds: 1_002_500) == 2.5)
    }

    @Test func aConnectBurstAndLaterJitterDoNotShiftTheMapping() {
        let clock = MediaClock()
        // Two seconds of buffered video arrive at once at t=1002 (the CDN's GOP cache), then live frames with jitter.
        for frame in 0...60 { clock.observe(mediaTime: Double(frame) / 30, wallClock: 1002) }
        clock.observe(mediaTime: 3, wallClock: 1003.3)
        clock.observe(mediaTime: 4, wallClock: 1004.05)
        // The live edge (media 2.0 at wall 1002) pins media 0 to wall 1000.
        #expect(clock.mediaTime(serverTimeMilliseconds: 1_005_000) == 5)
    }

    @Test func serverClockOffsetIsRemoved() {
        let clock = MediaClock()
        clock.observe(mediaTime: 0, wallClock: 1000)
        clock.setServerClockOffset(3)  // the server's clock runs 3 s ahead of ours
        #expect(clock.mediaTime(serverTimeMilliseconds: 1_004_000) == 1)
    }

    @Test func settlesOnlyAfterTheConnectBurstHasBeenFollowedByLiveFrames() {
        let clock = MediaClock()
        // A 2 s GOP arrives at once, one second late: the mapping it gives is a second off.
        for frame in 0...60 { clock.observe(mediaTime: Double(frame) / 30, wallClock: 1003) }
        #expect(clock.isSynchronized)
        #expect(!clock.isSettled)
        // Live frames then come at the edge and pull the mapping right before it counts as settled.
        for frame in 61...95 { clock.observe(mediaTime: Double(frame) / 30, wallClock: 1000 + Double(frame) / 30) }
        #expect(clock.isSettled)
        #expect(abs((clock.mediaTime(serverTimeMilliseconds: 1_002_000) ?? 0) - 2) < 1e-6)
    }
}
