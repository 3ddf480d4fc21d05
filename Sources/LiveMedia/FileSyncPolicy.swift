/// When a recording's file is forced to stable storage with `fsync(2)`.
///
/// Syncing only bounds how much a *power loss* can take: a fragmented MP4 cut anywhere (by `kill -9`, a full disk
/// or a power loss that drops unsynced pages) still plays up to its last complete fragment, so no policy is needed
/// for the file to stay playable. A process crash loses nothing the kernel already has, synced or not.
public enum FileSyncPolicy: Sendable, Equatable {
    /// `fsync` after every complete fragment: a power loss loses at most the fragment being written. Costs one
    /// disk flush per fragment per recording, which slow media (SD cards, USB disks) feel with many recordings.
    case everyFragment
    /// `fsync` after a complete fragment when at least this long has passed since the last sync (monotonic clock):
    /// a power loss loses at most this long plus one fragment.
    case interval(Duration)
    /// Never `fsync`, not even when the file is finished: the kernel writes back on its own schedule
    /// (Linux: within about 30 s). For scratch files, tmpfs and benchmarks.
    case never
}
