/// A deterministic SplitMix64 random number generator.
///
/// The watching core never reads a clock or system randomness; its jitter comes from one of these, seeded from a
/// creator's username or a budget's seed, so a run (and a test) repeats exactly.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    /// The SplitMix64 state, advanced by the golden-ratio increment on every draw.
    private var state: UInt64

    /// A generator whose sequence is fixed by `seed`.
    public init(seed: UInt64) {
        state = seed
    }

    /// A generator seeded from the UTF-8 bytes of `text` (FNV-1a), so two names give two different sequences.
    public init(seedingWith text: String) {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        self.init(seed: hash)
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xbf58_476d_1ce4_e5b9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94d0_49bb_1331_11eb
        return mixed ^ (mixed >> 31)
    }

    /// A uniform value in `0 ..< 1` with 53 random bits.
    public mutating func nextUnit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }
}
