import Testing

@testable import TikTokLive

/// Gift accounting as a viewer of the room's totals would check it: each gift counted once, with the right value,
/// even when TikTok's end-of-streak frame is late, missing or repeated.
@Suite struct GiftStreakTrackerTests {
    let start = ContinuousClock.now
    static let alice = EventUser(id: "7100000000000000001", uniqueID: "alice", nickname: "Alice")
    static let bob = EventUser(id: "7100000000000000002", uniqueID: "bob", nickname: "Bob")

    /// One gift frame as TikTok sends it.
    func frame(
        _ repeatCount: Int64, end: Bool = false, user: EventUser = alice, giftID: Int64 = 5655, name: String = "Rose", type: Int64 = 1,
        diamonds: Int64 = 1, group: Int64 = 1_692_725_773_860, msgID: Int64
    ) -> LiveEvent {
        LiveEvent(
            method: "WebcastGiftMessage", msgID: msgID, createTime: 1_700_000_000_000 + msgID, isHistory: false, user: user,
            kind: .gift(
                .init(
                    giftID: giftID, giftName: name, giftType: type, diamondCount: diamonds, repeatCount: repeatCount, repeatEnd: end,
                    groupID: group)
            )
        )
    }

    func at(_ seconds: Double) -> ContinuousClock.Instant { self.start + .milliseconds(Int64(seconds * 1000)) }

    static func gift(_ event: LiveEvent) -> LiveEvent.Gift? {
        if case .gift(let gift) = event.kind { return gift }
        return nil
    }

    /// The room's diamonds as a consumer would add them up.
    static func total(_ events: [LiveEvent]) -> Int64 {
        events.compactMap { gift($0)?.countedDiamonds }.reduce(0, +)
    }

    @Test func aRoseStreakWithItsEndIsCountedOnceOnTheEndFrame() {
        var tracker = GiftStreakTracker()
        var output: [LiveEvent] = []
        for count in 1...5 { output += tracker.process(self.frame(Int64(count), msgID: Int64(count)), at: self.at(Double(count) * 0.3)) }
        output += tracker.process(self.frame(5, end: true, msgID: 6), at: self.at(2))
        #expect(output.count == 6)
        #expect(output.map { Self.gift($0)?.streak } == [.inProgress, .inProgress, .inProgress, .inProgress, .inProgress, .ended])
        #expect(output.map { Self.gift($0)?.countedDiamonds } == [nil, nil, nil, nil, nil, 5])
        #expect(Self.total(output) == 5)
        #expect(tracker.openStreakCount == 0)
        #expect(tracker.finish().isEmpty)
    }

    @Test func theCountIsRepeatsTimesThePriceOfOneGift() {
        var tracker = GiftStreakTracker()
        var output = tracker.process(self.frame(1, giftID: 5269, name: "TikTok", diamonds: 5, msgID: 1), at: self.at(0))
        output += tracker.process(self.frame(12, end: true, giftID: 5269, name: "TikTok", diamonds: 5, msgID: 2), at: self.at(1))
        #expect(Self.total(output) == 60)
    }

    @Test func aStreakWhoseEndNeverComesIsClosedUnconfirmedAfterTheTimeout() {
        var tracker = GiftStreakTracker(timeout: .seconds(15))
        var output = tracker.process(self.frame(1, msgID: 1), at: self.at(0))
        output += tracker.process(self.frame(2, msgID: 2), at: self.at(1))
        output += tracker.process(self.frame(3, msgID: 3), at: self.at(2))
        #expect(tracker.expire(at: self.at(16.9)).isEmpty, "14.9 s since the last frame: still open")
        let closed = tracker.expire(at: self.at(17))
        #expect(closed.count == 1)
        let gift = Self.gift(closed[0])
        #expect(gift?.streak == .closedUnconfirmed)
        #expect(gift?.countedDiamonds == 3)
        #expect(gift?.repeatCount == 3)
        #expect(gift?.giftName == "Rose")
        #expect(closed[0].user == Self.alice)
        #expect(closed[0].msgID == 0, "a made-up event has no TikTok message id")
        #expect(Self.total(output + closed) == 3)
        #expect(tracker.openStreakCount == 0)
    }

    @Test func anyLaterEventAlsoClosesATimedOutStreakFirst() {
        var tracker = GiftStreakTracker(timeout: .seconds(10))
        _ = tracker.process(self.frame(4, msgID: 1), at: self.at(0))
        let chat = LiveEvent(
            method: "WebcastChatMessage", msgID: 2, createTime: 0, isHistory: false, user: Self.bob, kind: .chat(comment: "hi"))
        let output = tracker.process(chat, at: self.at(30))
        #expect(output.map(\.type) == ["gift", "chat"])
        #expect(Self.gift(output[0])?.streak == .closedUnconfirmed)
        #expect(Self.total(output) == 4)
    }

    @Test func aStreakStillOpenAtTheEndOfTheLiveIsClosedByFinish() {
        var tracker = GiftStreakTracker()
        _ = tracker.process(self.frame(1, msgID: 1), at: self.at(0))
        _ = tracker.process(self.frame(7, msgID: 2), at: self.at(1))
        let closed = tracker.finish()
        #expect(closed.map { Self.gift($0)?.streak } == [.closedUnconfirmed])
        #expect(Self.total(closed) == 7)
        #expect(tracker.finish().isEmpty, "finish closes each streak once")
    }

    @Test func aLateEndAfterAnUnconfirmedCloseIsNotCountedTwice() {
        var tracker = GiftStreakTracker(timeout: .seconds(15))
        var output = tracker.process(self.frame(1, msgID: 1), at: self.at(0))
        output += tracker.process(self.frame(3, msgID: 2), at: self.at(1))
        output += tracker.expire(at: self.at(20))
        let late = tracker.process(self.frame(3, end: true, msgID: 3), at: self.at(21))
        #expect(late.count == 1)
        #expect(Self.gift(late[0])?.streak == .lateEnd)
        #expect(Self.gift(late[0])?.countedDiamonds == nil)
        #expect(Self.total(output + late) == 3)
    }

    @Test func aLateEndWithMoreRepeatsAddsOnlyWhatTheCloseMissed() {
        var tracker = GiftStreakTracker(timeout: .seconds(15))
        var output = tracker.process(self.frame(3, diamonds: 2, msgID: 1), at: self.at(0))
        output += tracker.finish()
        output += tracker.process(self.frame(5, end: true, diamonds: 2, msgID: 2), at: self.at(1))
        #expect(Self.total(output) == 10)
        #expect(Self.gift(output.last!)?.countedDiamonds == 4)
    }

    @Test func aRepeatedEndFrameIsNotCountedTwice() {
        var tracker = GiftStreakTracker()
        var output = tracker.process(self.frame(2, end: true, msgID: 1), at: self.at(0))
        output += tracker.process(self.frame(2, end: true, msgID: 2), at: self.at(0.5))
        #expect(Self.total(output) == 2)
    }

    @Test func nonStreakableGiftsCountAtOnce() {
        var tracker = GiftStreakTracker()
        let output = tracker.process(self.frame(1, giftID: 6934, name: "Lion", type: 2, diamonds: 29_999, msgID: 1), at: self.at(0))
        #expect(output.count == 1)
        #expect(Self.gift(output[0])?.streak == .single)
        #expect(Self.gift(output[0])?.countedDiamonds == 29_999)
        #expect(tracker.openStreakCount == 0)
        #expect(tracker.finish().isEmpty)
    }

    @Test func twoUsersConcurrentStreaksAreKeptApart() {
        var tracker = GiftStreakTracker()
        var output: [LiveEvent] = []
        // Same gift, same group id: only the sender tells the streaks apart.
        output += tracker.process(self.frame(1, user: Self.alice, msgID: 1), at: self.at(0))
        output += tracker.process(self.frame(1, user: Self.bob, msgID: 2), at: self.at(0.1))
        output += tracker.process(self.frame(2, user: Self.alice, msgID: 3), at: self.at(0.2))
        output += tracker.process(self.frame(2, user: Self.bob, msgID: 4), at: self.at(0.3))
        output += tracker.process(self.frame(3, user: Self.bob, msgID: 5), at: self.at(0.4))
        output += tracker.process(self.frame(2, end: true, user: Self.alice, msgID: 6), at: self.at(0.5))
        #expect(tracker.openStreakCount == 1)
        output += tracker.process(self.frame(9, end: true, user: Self.bob, msgID: 7), at: self.at(0.6))
        let counted = output.filter { Self.gift($0)?.countedDiamonds != nil }
        #expect(counted.map { $0.user?.uniqueID } == ["alice", "bob"])
        #expect(counted.map { Self.gift($0)?.countedDiamonds } == [2, 9])
        #expect(tracker.finish().isEmpty)
    }

    @Test func aNewStreakWithTheSameKeyAfterAConfirmedEndCountsAgain() {
        // Without a combo group id, two streaks of the same gift by the same user share a key.
        var tracker = GiftStreakTracker()
        var output = tracker.process(self.frame(1, group: 0, msgID: 1), at: self.at(0))
        output += tracker.process(self.frame(3, end: true, group: 0, msgID: 2), at: self.at(1))
        output += tracker.process(self.frame(1, group: 0, msgID: 3), at: self.at(5))
        output += tracker.process(self.frame(2, end: true, group: 0, msgID: 4), at: self.at(6))
        #expect(Self.total(output) == 5)
    }

    @Test func openStreaksAreBoundedByClosingTheStalest() {
        var tracker = GiftStreakTracker(capacity: 3)
        var output: [LiveEvent] = []
        for index in 0..<5 {
            let user = EventUser(id: String(index), uniqueID: "u\(index)", nickname: "")
            output += tracker.process(self.frame(2, user: user, msgID: Int64(index + 1)), at: self.at(Double(index)))
        }
        #expect(tracker.openStreakCount == 3)
        let early = output.filter { Self.gift($0)?.streak == .closedUnconfirmed }
        #expect(early.map { $0.user?.id } == ["0", "1"])
        #expect(Self.total(output + tracker.finish()) == 10, "every streak counted exactly once")
    }

    @Test func annotationsAppearInTheJSON() throws {
        var tracker = GiftStreakTracker()
        let output = tracker.process(self.frame(4, end: true, diamonds: 5, msgID: 1), at: self.at(0))
        let line = JSONValue.object(output[0].jsonFields).serialized()
        #expect(line.contains(#""streak":"ended""#))
        #expect(line.contains(#""countedDiamonds":20"#))
        let open = tracker.process(self.frame(1, user: Self.bob, msgID: 2), at: self.at(1))
        #expect(JSONValue.object(open[0].jsonFields).serialized().contains(#""streak":"inProgress","countedDiamonds":null"#))
    }
}
