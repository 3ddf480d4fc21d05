import Foundation
import Testing

@testable import LiveMedia

/// The repair logic of the recording pipeline, driven with synthetic streams into in-memory segment files, so each
/// broken-CDN pattern is checked exactly: what reaches the files, in which file, at which times, and what is counted.
@Suite struct RecordingPipelineTests {
    /// A segment file kept in memory.
    final class MemorySegment: SegmentOutput {
        let path: String
        let video: VideoConfiguration?
        let audio: AACConfiguration?
        let inBandParameterSets: Bool
        /// Where the pipeline said the video starts (audio leading it).
        let videoStart: Int64
        var packets: [MediaPacket] = []
        var cues: [TimedTextCue] = []
        var finished = false
        var bytesWritten: Int64 { Int64(self.packets.reduce(0) { $0 + $1.data.count }) }

        init(
            path: String, video: VideoConfiguration?, audio: AACConfiguration?, inBandParameterSets: Bool, videoStart: Int64
        ) {
            self.path = path
            self.video = video
            self.audio = audio
            self.inBandParameterSets = inBandParameterSets
            self.videoStart = videoStart
        }

        func write(_ packet: MediaPacket, duration: Int64) throws(LiveMediaError) { self.packets.append(packet) }
        func addCue(_ cue: TimedTextCue) { self.cues.append(cue) }
        func finish() throws(LiveMediaError) { self.finished = true }

        var videoDTS: [Int64] { self.packets.filter { $0.track == .video }.map(\.dts) }
        var audioDTS: [Int64] { self.packets.filter { $0.track == .audio }.map(\.dts) }
    }

    /// Runs events through a pipeline and returns the segments it wrote.
    final class Harness {
        var segments: [MemorySegment] = []
        let cues = TimedTextCueQueue()
        var pipeline: RecordingPipeline!

        init(segmenting: SegmentPolicy = SegmentPolicy(), audioHeaderGrace: Int64 = 2_000) {
            self.pipeline = RecordingPipeline(
                settings: .init(outputPath: "/tmp/rec.mp4", segmenting: segmenting, audioHeaderGrace: audioHeaderGrace),
                openOutput: { [unowned self] path, video, audio, inBand, videoStart throws(LiveMediaError) in
                    let segment = MemorySegment(
                        path: path, video: video, audio: audio, inBandParameterSets: inBand, videoStart: videoStart)
                    self.segments.append(segment)
                    return segment
                },
                cues: self.cues
            )
        }

        func send(_ events: [MediaInputEvent]) throws {
            for event in events { try self.pipeline.receive(event) }
        }

        @discardableResult
        func finish() throws -> RecordingStatistics { try self.pipeline.finish() }
    }

    static let audio = try! AACConfiguration(audioSpecificConfig: [0x12, 0x10])  // AAC LC, 44.1 kHz, stereo
    static let small = try! TestPatternEncoder(width: 320, height: 180).videoConfiguration
    static let large = try! TestPatternEncoder(width: 640, height: 360).videoConfiguration

    /// `seconds` of 30 fps video (a keyframe every `gop` frames, frame bytes tagged with their index) and 44.1 kHz
    /// audio, source timestamps from `start` ms.
    static func stream(
        seconds: Double, start: Int64 = 0, firstFrame: Int = 0, gop: Int = 60,
        frameBytes: (Int) -> [UInt8] = { [0, 0, 0, 3, 0x41, UInt8($0 % 256), UInt8($0 / 256)] }
    ) -> [MediaInputEvent] {
        var events: [MediaInputEvent] = []
        let frames = Int(seconds * 30)
        var audioTime = 0.0
        for frame in 0..<frames {
            let time = start + Int64(frame) * 1000 / 30
            let index = firstFrame + frame
            events.append(
                .packet(MediaPacket(track: .video, dts: time, pts: time, isKeyframe: index % gop == 0, data: frameBytes(index)))
            )
            while audioTime <= Double(frame + 1) * 1000 / 30 {
                let audioDTS = start + Int64(audioTime)
                events.append(.packet(MediaPacket(track: .audio, dts: audioDTS, pts: audioDTS, isKeyframe: true, data: [1, 2, 3])))
                audioTime += 1024 * 1000 / 44100
            }
        }
        return events
    }

    static func headers(_ video: VideoConfiguration = small) -> [MediaInputEvent] {
        [.videoConfiguration(video), .audioConfiguration(audio)]
    }

    @Test func aCleanStreamIsOneFileStartingAtZero() throws {
        let harness = Harness()
        try harness.send(Self.headers() + Self.stream(seconds: 4, start: 5_000))
        let statistics = try harness.finish()
        #expect(harness.segments.count == 1)
        let file = try #require(harness.segments.first)
        #expect(file.finished)
        #expect(file.videoDTS.first == 0)
        #expect(file.videoDTS.count == 120)
        #expect(statistics.repairs.total == 0)
        #expect(abs(statistics.mediaDuration - 4) < 0.1)
    }

    @Test func audioJustBeforeTheFirstKeyframeStartsTheFileAndTheVideoStartsThatMuchLater() throws {
        let harness = Harness()
        let leading: [MediaInputEvent] = [4_880, 4_903, 4_926, 4_949, 4_972, 4_995].map {
            .packet(MediaPacket(track: .audio, dts: $0, pts: $0, isKeyframe: true, data: [1, 2, 3]))
        }
        try harness.send(Self.headers() + leading + Self.stream(seconds: 3, start: 5_000))
        try harness.finish()
        let file = try #require(harness.segments.first)
        #expect(file.audioDTS.prefix(2) == [0, 23], "the leading audio is kept, from the file's start")
        #expect(file.videoDTS.first == 120 && file.videoStart == 120, "the writer is told where the video starts")
    }

    @Test func aForwardTimestampJumpIsRebasedWithAudioAndVideoStillTogether() throws {
        let harness = Harness()
        try harness.send(Self.headers() + Self.stream(seconds: 4) + Self.stream(seconds: 4, start: 4_000 + 60_000, firstFrame: 120))
        let statistics = try harness.finish()
        let file = try #require(harness.segments.first)
        let video = file.videoDTS
        let steps = zip(video.dropFirst(), video).map { $0 - $1 }
        #expect(steps.allSatisfy { $0 > 0 && $0 <= 100 }, "video steps \(Set(steps))")
        #expect(abs(Double(video.last!) - 7_967) < 100)
        // Audio follows video across the repair: its last frame is within a frame of video's end.
        #expect(abs(file.audioDTS.last! - video.last!) < 60)
        #expect(statistics.repairs.timestampRebases == 1)
    }

    @Test func aTimestampResetToZeroIsRebased() throws {
        let harness = Harness()
        try harness.send(Self.headers() + Self.stream(seconds: 20, start: 100_000) + Self.stream(seconds: 2, start: 0, firstFrame: 600))
        let statistics = try harness.finish()
        let video = try #require(harness.segments.first).videoDTS
        #expect(video.count == 660)
        #expect(zip(video.dropFirst(), video).allSatisfy { $0 - $1 > 0 && $0 - $1 <= 100 })
        #expect(statistics.repairs.timestampRebases >= 1)
    }

    @Test func aReplayedGOPAfterAReconnectIsDroppedOnBothTracks() throws {
        let harness = Harness()
        let first = Self.stream(seconds: 6)  // GOPs at 0, 2, 4 s
        // The edge replays from the GOP at 2 s (same bytes, same timestamps), then goes on live.
        let replay = Self.stream(seconds: 4, start: 2_000, firstFrame: 60)
        let live = Self.stream(seconds: 2, start: 6_000, firstFrame: 180)
        try harness.send(Self.headers() + first + [.discontinuity(reason: "reconnect")] + replay + live)
        let statistics = try harness.finish()
        let file = try #require(harness.segments.first)
        #expect(file.videoDTS.count == 240)
        #expect(Set(file.packets.filter { $0.track == .video }.map { $0.data }).count == 240)
        #expect(zip(file.audioDTS.dropFirst(), file.audioDTS).allSatisfy { $0 > $1 })
        #expect(statistics.repairs.duplicateGOPsDropped == 1)
        #expect(statistics.repairs.duplicateFramesDropped >= 120)
        #expect(statistics.splices.count == 1)
        #expect(statistics.lostSeconds < 0.1)
    }

    @Test func audioFramesBeforeALateAudioHeaderAreHeldAndWritten() throws {
        let harness = Harness()
        let stream = Self.stream(seconds: 3)
        // The audio header comes 0.5 s (15 video frames) in.
        let split = stream.firstIndex {
            if case .packet(let packet) = $0 { return packet.track == .video && packet.dts >= 500 }
            return false
        }!
        try harness.send([.videoConfiguration(Self.small)] + stream[..<split] + [.audioConfiguration(Self.audio)] + stream[split...])
        let statistics = try harness.finish()
        #expect(harness.segments.count == 1)
        let file = try #require(harness.segments.first)
        #expect(file.audio != nil)
        #expect(file.audioDTS.first == 0)
        #expect(statistics.repairs.lateAudioHeaders == 1)
    }

    @Test func anAudioHeaderLaterThanTheGraceStartsASecondFileWithAudio() throws {
        let harness = Harness(audioHeaderGrace: 1_000)
        let stream = Self.stream(seconds: 6)
        let split = stream.firstIndex {
            if case .packet(let packet) = $0 { return packet.track == .video && packet.dts >= 3_000 }
            return false
        }!
        try harness.send([.videoConfiguration(Self.small)] + stream[..<split] + [.audioConfiguration(Self.audio)] + stream[split...])
        let statistics = try harness.finish()
        #expect(harness.segments.count == 2)
        #expect(harness.segments[0].audio == nil)
        #expect(harness.segments[1].audio != nil)
        #expect(statistics.segments.map(\.reason) == [.start, .audioAppeared])
        #expect(harness.segments[1].path == "/tmp/rec-part2.mp4")
    }

    @Test func aNewSequenceHeaderWithOtherParametersStartsANewFileAtTheNextKeyframe() throws {
        let harness = Harness()
        try harness.send(
            Self.headers(Self.small) + Self.stream(seconds: 3)  // keyframe at 0 and 2 s
                + [.videoConfiguration(Self.large)] + Self.stream(seconds: 1, start: 3_000, firstFrame: 90, gop: 30)
                // The same header again (as a CDN repeats it) is not a change.
                + [.videoConfiguration(Self.large)] + Self.stream(seconds: 1, start: 4_000, firstFrame: 120, gop: 30)
        )
        let statistics = try harness.finish()
        #expect(harness.segments.count == 2)
        #expect(harness.segments[0].video == Self.small)
        #expect(harness.segments[1].video == Self.large)
        #expect(harness.segments[0].videoDTS.count == 90)
        #expect(harness.segments[1].videoDTS.first == 0)
        #expect(statistics.repairs.parameterChanges == 1)
        #expect(statistics.repairs.inBandParameterChanges == 0)
        #expect(abs(statistics.segments[1].startTime - 3) < 0.05)
        #expect(harness.segments[1].videoDTS.count == 60)
    }

    @Test func parameterSetsThatChangeOnlyInBandStartANewFile() throws {
        let harness = Harness()
        let inBand = Self.large.parameterSets.flatMap { nal -> [UInt8] in
            let count = UInt32(nal.count)
            return [UInt8(count >> 24), UInt8((count >> 16) & 0xFF), UInt8((count >> 8) & 0xFF), UInt8(count & 0xFF)] + nal
        }
        let after = Self.stream(seconds: 2, start: 2_000, firstFrame: 60) { index in
            index % 60 == 0 ? inBand + [0, 0, 0, 2, 0x65, UInt8(index % 256)] : [0, 0, 0, 2, 0x41, UInt8(index % 256)]
        }
        try harness.send(Self.headers(Self.small) + Self.stream(seconds: 2) + after)
        let statistics = try harness.finish()
        #expect(harness.segments.count == 2)
        #expect(harness.segments[1].video?.width == 640)
        #expect(harness.segments[1].inBandParameterSets)
        #expect(statistics.repairs.inBandParameterChanges == 1)
    }

    @Test func segmentsAreCutByDurationAtKeyframes() throws {
        let harness = Harness(segmenting: SegmentPolicy(maximumDuration: .seconds(3)))
        try harness.send(Self.headers() + Self.stream(seconds: 10))
        let statistics = try harness.finish()
        // Keyframes every 2 s: cuts at 4 s and 8 s.
        #expect(statistics.segments.map(\.startTime) == [0, 4, 8])
        #expect(harness.segments.allSatisfy { $0.videoDTS.first == 0 && $0.finished })
        #expect(harness.segments.map(\.videoDTS.count).reduce(0, +) == 300)
    }

    @Test func aSpliceRecordsTheSecondsLost() throws {
        let harness = Harness()
        try harness.send(
            Self.headers() + Self.stream(seconds: 4) + [.discontinuity(reason: "connection dropped")]
                + Self.stream(seconds: 2, start: 9_000, firstFrame: 180)
        )
        let statistics = try harness.finish()
        #expect(harness.segments.count == 1)
        #expect(statistics.splices.count == 1)
        #expect(abs(statistics.lostSeconds - 5) < 0.2, "lost \(statistics.lostSeconds)")
        #expect(statistics.splices.first?.reason == "connection dropped")
    }

    @Test func cuesReachTheFileOnItsOwnTimelineAndCarryIntoTheNextSegment() throws {
        let harness = Harness(segmenting: SegmentPolicy(maximumDuration: .seconds(2)))
        let stream = Self.stream(seconds: 6)
        try harness.send(Array(Self.headers() + stream[..<10]))
        harness.cues.add(TimedTextCue(start: 1.5, end: 2.5, text: "spans the cut"))
        try harness.send(Array(stream[10...]))
        try harness.finish()
        #expect(harness.segments.count == 3)
        #expect(harness.segments[0].cues == [TimedTextCue(start: 1.5, end: 2.5, text: "spans the cut")])
        #expect(harness.segments[1].cues == [TimedTextCue(start: 0, end: 0.5, text: "spans the cut")])
    }

    @Test func framesBeforeAnyKeyframeAreDiscardedAndCounted() throws {
        let harness = Harness()
        let stream = Self.stream(seconds: 3)
        let firstKeyframeAfterStart = stream.firstIndex {
            if case .packet(let packet) = $0 { return packet.track == .video && packet.dts > 0 }
            return false
        }!
        try harness.send(Self.headers() + stream[firstKeyframeAfterStart...])
        let statistics = try harness.finish()
        #expect(harness.segments.first?.videoDTS.count == 30)  // from the keyframe at 2 s
        #expect(statistics.repairs.framesDiscarded > 0)
    }
}
