/// How a recording's MP4 file is written: fragment length, when it is synced to disk, whether it carries a
/// timed-text track, and which sample entry HEVC gets.
public struct MP4OutputOptions: Sendable, Equatable {
    /// The shortest fragment. A fragment starts at the first video keyframe at least this long after the start of
    /// the previous one (audio-only files: at the first audio frame that long after). A GOP longer than this
    /// makes longer fragments: fragments always start at keyframes, so every fragment can be decoded and seeked to. A crash or a full disk loses
    /// at most the fragment being written.
    public var fragmentDuration: Duration
    /// When the file is synced to stable storage.
    public var syncPolicy: FileSyncPolicy
    /// Whether the file gets a `mov_text` (`tx3g`) subtitle track for the cues given to the writer.
    public var subtitleTrack: Bool
    /// HEVC only: tag the track `hev1` (parameter sets may also come in-band and change) instead of `hvc1`
    /// (every parameter set is in the sample entry, which Apple players require).
    public var inBandParameterSets: Bool

    /// Creates options; every parameter defaults to the value in ``default``.
    public init(
        fragmentDuration: Duration = .seconds(1), syncPolicy: FileSyncPolicy = .interval(.seconds(5)),
        subtitleTrack: Bool = false, inBandParameterSets: Bool = false
    ) {
        self.fragmentDuration = fragmentDuration
        self.syncPolicy = syncPolicy
        self.subtitleTrack = subtitleTrack
        self.inBandParameterSets = inBandParameterSets
    }

    /// The defaults, and why:
    /// - `fragmentDuration` 1 s: TikTok's keyframe interval is about 2 s, so this yields one fragment per GOP
    ///   (a minimum of 2 s would double fragments to 4 s whenever a GOP is a frame short of 2 s). A crash loses
    ///   at most one GOP; the cost is one `moof` (about 100 bytes plus a few bytes per sample) per GOP.
    /// - `syncPolicy` `.interval(5 s)`: the file stays playable after a power loss whatever the policy (see
    ///   ``FileSyncPolicy``); 5 s bounds the loss to about 5 s plus a fragment while keeping the flush rate to
    ///   one every 5 s per recording, which matters with dozens of recordings on slow storage.
    /// - `subtitleTrack` off: only recordings that ask for timed text get a track.
    /// - `inBandParameterSets` off: `hvc1`, the tag every player accepts; new parameter sets start a new file
    ///   anyway, so the sample entry's are always the ones in force.
    public static let `default` = MP4OutputOptions()
}
