/// Maps a live source's timestamps onto the recording's continuous timeline, repairing what live CDNs break.
///
/// - A jump forward beyond ``maximumGap`` or any big step backwards (an encoder restart, a reconnect to another
///   edge) is rebased: the track continues one frame after its last written frame. When the other track then jumps
///   by about the same amount it gets the same shift, so audio and video stay in sync across the repair.
/// - A keyframe that the source already sent (same timestamp, same bytes: an edge replaying its buffer after a
///   reconnect) starts a run of duplicates: every frame up to the last one already written is dropped, on both tracks.
/// - A frame whose time does not increase by at least 1 ms is moved just after the previous one (the MP4 muxer
///   refuses it otherwise).
///
/// Pure logic: no I/O, one instance per recording, driven from one thread.
struct SourceTimeline {
    /// What to do with one frame.
    enum Decision: Equatable {
        /// Write it at these times (ms on the recording's timeline).
        case write(dts: Int64, pts: Int64)
        /// Drop it: the source already sent it.
        case duplicate
    }

    /// A rebase or splice that happened, for statistics.
    struct Repair: Equatable {
        /// Where on the recording's timeline (ms).
        var at: Int64
        /// How far the source jumped (ms; negative for a step backwards).
        var sourceJump: Int64
    }

    /// The largest forward step between two frames of a track kept as it is (ms). Live encoders drop frames and
    /// audio stutters, but more than this is a jump in the source's clock, not real silence.
    static let maximumGap: Int64 = 1_000
    /// How far back a replayed keyframe is recognised (ms of source time): a CDN edge buffers about this much.
    static let replayHorizon: Int64 = 60_000

    private struct Fingerprint: Equatable {
        var dts: Int64
        var size: Int
        var hash: UInt64
    }

    private var offsets: [MediaPacket.Track: Int64] = [:]
    private var lastSource: [MediaPacket.Track: Int64] = [:]
    private var lastWritten: [MediaPacket.Track: Int64] = [:]
    private var frameDuration: [MediaPacket.Track: Int64] = [.video: 33, .audio: 23]
    private var skipThrough: [MediaPacket.Track: Int64] = [:]
    private var recentKeyframes: [Fingerprint] = []
    private var audioRegressionRun = 0
    /// Audio frames (about 2.3 s) dropped as a replay before a step backwards is taken for a reset instead.
    static let audioRegressionLimit = 100
    /// The shift given to the track that jumped first, waiting for the other track's matching jump.
    private var pendingShift: (sourceJump: Int64, shift: Int64, track: MediaPacket.Track)?

    /// Rebases made so far (jumps and resets).
    private(set) var rebases: [Repair] = []
    /// Frames smoothed forward by a few ms.
    private(set) var smoothed = 0
    /// Duplicated GOPs recognised.
    private(set) var duplicateRuns = 0
    /// Frames dropped as duplicates.
    private(set) var duplicateFrames = 0

    /// Starts the timeline: source time `sourceZero` becomes 0.
    init(sourceZero: Int64) {
        self.offsets = [.video: -sourceZero, .audio: -sourceZero]
    }

    /// Sets the nominal duration of one audio frame (ms), from the sample rate.
    mutating func setAudioFrameDuration(_ milliseconds: Int64) {
        self.frameDuration[.audio] = max(1, milliseconds)
    }

    /// The nominal duration of one frame of `track` (ms): audio from the sample rate, video from recent frames.
    func nominalDuration(of track: MediaPacket.Track) -> Int64 { self.frameDuration[track] ?? 33 }

    /// Decides where `packet` goes. Call in arrival order.
    mutating func place(_ packet: MediaPacket) -> Decision {
        let track = packet.track
        let source = packet.dts
        if let through = self.skipThrough[track] {
            if source <= through, source > through - Self.replayHorizon {
                self.duplicateFrames += 1
                return .duplicate
            }
            self.skipThrough[track] = nil
        }
        if let last = self.lastSource[track] {
            let step = source - last
            if step <= 0, track == .video, packet.isKeyframe, self.isReplay(packet) {
                // The edge is sending again what we have: skip both tracks up to where each one is.
                self.duplicateRuns += 1
                self.duplicateFrames += 1
                self.skipThrough = self.lastSource
                return .duplicate
            }
            if track == .audio, step < 0, !self.matchesPendingShift(track, sourceJump: step) {
                // Audio going backwards is a replay (or a reset video has not shown yet): drop it, unless it goes on
                // for longer than a reset could take to show on video.
                self.audioRegressionRun += 1
                if self.audioRegressionRun <= Self.audioRegressionLimit {
                    self.duplicateFrames += 1
                    return .duplicate
                }
                self.rebase(track, sourceJump: step, source: source)
            } else if step > Self.maximumGap || step < -Self.maximumGap {
                if !self.isConsistentWithOtherTrack(track, source: source) {
                    self.rebase(track, sourceJump: step, source: source)
                }
            } else if step > 0, track == .video {
                // Learn the frame rate from ordinary steps (bounded: 10 to 200 ms per frame).
                let current = self.frameDuration[.video] ?? 33
                self.frameDuration[.video] = max(10, min(200, (current * 7 + step) / 8))
            }
            if track == .audio, step >= 0 { self.audioRegressionRun = 0 }
        }
        let offset = self.offsets[track] ?? 0
        var dts = source + offset
        var pts = packet.pts + offset
        if let written = self.lastWritten[track], dts <= written {
            let shift = written + 1 - dts
            dts += shift
            pts += shift
            self.smoothed += 1
        }
        self.lastSource[track] = source
        self.lastWritten[track] = dts
        if track == .video, packet.isKeyframe { self.remember(packet) }
        return .write(dts: dts, pts: max(pts, dts))
    }

    /// Forgets the per-track history after a reconnect, so the next frames of each track are judged against the
    /// last ones written (a replay is still recognised by its keyframe).
    mutating func expectDiscontinuity() {
        self.pendingShift = nil
    }

    private mutating func rebase(_ track: MediaPacket.Track, sourceJump: Int64, source: Int64) {
        let old = self.offsets[track] ?? 0
        var shift: Int64
        if let pending = self.pendingShift, self.matchesPendingShift(track, sourceJump: sourceJump) {
            // The other track already jumped by the same amount: shift this one identically, keeping A/V sync.
            shift = pending.shift
            self.pendingShift = nil
        } else {
            let target = (self.lastWritten[track] ?? 0) + self.nominalDuration(of: track)
            shift = target - (source + old)
            self.pendingShift = (sourceJump, shift, track)
            self.rebases.append(Repair(at: target, sourceJump: sourceJump))
        }
        self.offsets[track] = old + shift
    }

    /// Whether the other track already jumped by about `sourceJump`.
    private func matchesPendingShift(_ track: MediaPacket.Track, sourceJump: Int64) -> Bool {
        guard let pending = self.pendingShift, pending.track != track else { return false }
        return abs(pending.sourceJump - sourceJump) <= Self.maximumGap
    }

    /// A big step in one track that lands where the other track's clock is: frames were lost on this track (a hole,
    /// kept as it is), not a jump of the source's clock. The track takes the other one's offset so both stay in sync.
    private mutating func isConsistentWithOtherTrack(_ track: MediaPacket.Track, source: Int64) -> Bool {
        let other: MediaPacket.Track = track == .video ? .audio : .video
        guard let otherLast = self.lastSource[other], abs(source - otherLast) <= 2 * Self.maximumGap,
            !self.matchesPendingShift(track, sourceJump: source - (self.lastSource[track] ?? source))
        else { return false }
        self.offsets[track] = self.offsets[other]
        return true
    }

    private func isReplay(_ packet: MediaPacket) -> Bool {
        let print = Self.fingerprint(packet)
        return self.recentKeyframes.contains(print)
    }

    private mutating func remember(_ packet: MediaPacket) {
        self.recentKeyframes.append(Self.fingerprint(packet))
        let horizon = packet.dts - Self.replayHorizon
        if let first = self.recentKeyframes.first, first.dts < horizon || self.recentKeyframes.count > 64 {
            self.recentKeyframes.removeAll { $0.dts < horizon }
            if self.recentKeyframes.count > 64 { self.recentKeyframes.removeFirst(self.recentKeyframes.count - 64) }
        }
    }

    /// Timestamp, size and an FNV-1a hash of the first and last 64 bytes: enough to tell a replayed keyframe from a
    /// new one without hashing megabytes.
    private static func fingerprint(_ packet: MediaPacket) -> Fingerprint {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        let data = packet.data
        for byte in data.prefix(64) {
            hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
        }
        for byte in data.suffix(64) {
            hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
        }
        return Fingerprint(dts: packet.dts, size: data.count, hash: hash)
    }
}
