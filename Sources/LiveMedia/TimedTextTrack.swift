/// Turns timed-text cues, which may overlap, arrive late or out of order, into the contiguous, non-overlapping
/// samples a `mov_text` track needs: each sample covers `[start, end)` ms and shows the text of every cue active
/// in it, one per line (in start order); stretches without cues become empty samples.
///
/// Samples are released only up to a horizon the caller advances (the media timeline already written), so a cue
/// that arrives a little late but starts after the horizon is still placed exactly. A cue starting before the
/// horizon is clipped to start there; one ending before it is dropped (``droppedCues`` counts them).
/// Pure logic, no libav; a value type confined to its writer.
struct TimedTextTrack {
    /// One `mov_text` sample: `[start, end)` ms on the file's timeline and its text (empty in gaps).
    struct Sample: Equatable {
        /// First ms shown.
        var start: Int64
        /// First ms no longer shown (exclusive).
        var end: Int64
        /// The lines shown, joined by `\n`; empty for a gap.
        var text: String
    }

    private struct PendingCue {
        var start: Int64
        var end: Int64
        var text: String
        var arrival: Int
    }

    /// Everything before this ms has been released as samples.
    private(set) var releasedUntil: Int64 = 0
    /// Cues that arrived entirely before ``releasedUntil`` and could not be shown.
    private(set) var droppedCues = 0
    private var pending: [PendingCue] = []
    private var arrivals = 0

    /// Milliseconds for a time in seconds, rounded to the nearest.
    static func milliseconds(_ seconds: Double) -> Int64 {
        guard seconds.isFinite else { return 0 }
        return Int64((seconds * 1000).rounded())
    }

    /// Adds a cue (seconds on the file's timeline). Empty or inverted cues are ignored.
    mutating func add(_ cue: TimedTextCue) {
        let start = max(Self.milliseconds(cue.start), self.releasedUntil)
        let end = Self.milliseconds(cue.end)
        guard end > start else {
            if Self.milliseconds(cue.end) > Self.milliseconds(cue.start) { self.droppedCues += 1 }
            return
        }
        self.arrivals += 1
        self.pending.append(PendingCue(start: start, end: end, text: cue.text, arrival: self.arrivals))
    }

    /// Releases the samples that end at or before `horizon` ms: every stretch between consecutive cue boundaries
    /// that the horizon has passed. A gap is released only once the next cue's start is known.
    mutating func samples(through horizon: Int64) -> [Sample] {
        self.release(through: horizon, closingAt: nil)
    }

    /// Releases everything up to `end` ms, the end of the file's media: cues are clipped to it and a final gap
    /// is filled, so the track spans the whole file. Later cues are clipped to `end` (and so dropped).
    mutating func finish(at end: Int64) -> [Sample] {
        let samples = self.release(through: end, closingAt: end)
        self.pending.removeAll()
        return samples
    }

    private mutating func release(through horizon: Int64, closingAt closing: Int64?) -> [Sample] {
        guard horizon > self.releasedUntil else { return [] }
        // Fast path, taken for almost every video frame: no cue boundary between the last release and `horizon`.
        let untouched = self.pending.allSatisfy { cue in
            (cue.start <= self.releasedUntil || cue.start > horizon) && cue.end > horizon
        }
        if closing == nil && untouched { return [] }
        var boundaries = Set<Int64>()
        for cue in self.pending {
            boundaries.insert(cue.start)
            boundaries.insert(cue.end)
        }
        if let closing { boundaries.insert(closing) }
        let ordered = boundaries.filter { $0 > self.releasedUntil && $0 <= horizon }.sorted()
        var samples: [Sample] = []
        let active = self.pending.sorted { ($0.start, $0.arrival) < ($1.start, $1.arrival) }
        for end in ordered {
            let start = self.releasedUntil
            let text = active.filter { $0.start <= start && $0.end >= end }.map(\.text).joined(separator: "\n")
            samples.append(Sample(start: start, end: end, text: text))
            self.releasedUntil = end
        }
        self.pending.removeAll { $0.end <= self.releasedUntil }
        for index in self.pending.indices where self.pending[index].start < self.releasedUntil {
            self.pending[index].start = self.releasedUntil
        }
        return samples
    }

    /// The `mov_text` sample bytes for `text`: a 16-bit big-endian byte count, then the UTF-8 text (cut at a
    /// character boundary if longer than 65535 bytes). An empty text gives the two zero bytes of a gap.
    static func sampleBytes(_ text: String) -> [UInt8] {
        var utf8 = Array(text.utf8)
        if utf8.count > 0xFFFF {
            var cut = 0xFFFF
            while cut > 0 && utf8[cut] & 0xC0 == 0x80 { cut -= 1 }
            utf8.removeSubrange(cut...)
        }
        return [UInt8(utf8.count >> 8), UInt8(utf8.count & 0xFF)] + utf8
    }
}
