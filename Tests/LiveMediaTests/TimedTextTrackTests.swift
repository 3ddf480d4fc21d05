import Testing

@testable import LiveMedia

/// The flattening of overlapping, late and gapped cues into contiguous `mov_text` samples.
@Suite struct TimedTextTrackTests {
    typealias Sample = TimedTextTrack.Sample

    @Test func overlappingCuesShareSamplesAndGapsAreEmpty() {
        var track = TimedTextTrack()
        track.add(TimedTextCue(start: 1, end: 4, text: "first"))
        track.add(TimedTextCue(start: 2, end: 3, text: "second"))
        track.add(TimedTextCue(start: 6, end: 7, text: "third"))
        #expect(
            track.samples(through: 10_000) == [
                Sample(start: 0, end: 1000, text: ""),
                Sample(start: 1000, end: 2000, text: "first"),
                Sample(start: 2000, end: 3000, text: "first\nsecond"),
                Sample(start: 3000, end: 4000, text: "first"),
                Sample(start: 4000, end: 6000, text: ""),
                Sample(start: 6000, end: 7000, text: "third"),
            ])
        // Nothing more is known after 7 s: the gap waits for the next cue or the end of the file.
        #expect(track.finish(at: 9000) == [Sample(start: 7000, end: 9000, text: "")])
    }

    @Test func samplesWaitForTheHorizonAndALateCueStillLandsExactly() {
        var track = TimedTextTrack()
        track.add(TimedTextCue(start: 0.5, end: 2, text: "a"))
        #expect(track.samples(through: 1000) == [Sample(start: 0, end: 500, text: "")])
        // Arrives late but starts after what was released: placed exactly.
        track.add(TimedTextCue(start: 0.8, end: 1.5, text: "b"))
        #expect(
            track.samples(through: 2500) == [
                Sample(start: 500, end: 800, text: "a"),
                Sample(start: 800, end: 1500, text: "a\nb"),
                Sample(start: 1500, end: 2000, text: "a"),
            ])
    }

    @Test func aCueStartingBeforeTheReleasedPartIsClippedAndOneEndingBeforeIsDropped() {
        var track = TimedTextTrack()
        track.add(TimedTextCue(start: 0, end: 1, text: "a"))
        #expect(track.samples(through: 1200).map(\.end) == [1000])
        track.add(TimedTextCue(start: 0.2, end: 0.9, text: "gone"))
        track.add(TimedTextCue(start: 0.5, end: 2, text: "clipped"))
        #expect(track.droppedCues == 1)
        #expect(track.samples(through: 5000) == [Sample(start: 1000, end: 2000, text: "clipped")])
    }

    @Test func finishClipsCuesToTheEndOfTheMedia() {
        var track = TimedTextTrack()
        track.add(TimedTextCue(start: 1, end: 30, text: "long"))
        #expect(track.finish(at: 5000) == [Sample(start: 0, end: 1000, text: ""), Sample(start: 1000, end: 5000, text: "long")])
        #expect(track.finish(at: 6000) == [Sample(start: 5000, end: 6000, text: "")])
    }

    @Test func sampleBytesAreALengthPrefixedUTF8Text() {
        #expect(TimedTextTrack.sampleBytes("") == [0, 0])
        #expect(TimedTextTrack.sampleBytes("hé") == [0, 3, 0x68, 0xC3, 0xA9])
        let long = String(repeating: "é", count: 40_000)  // 80 000 bytes
        let bytes = TimedTextTrack.sampleBytes(long)
        let length = Int(bytes[0]) << 8 | Int(bytes[1])
        #expect(length == 65_534)  // cut before the character that would not fit whole
        #expect(bytes.count == length + 2)
    }
}
