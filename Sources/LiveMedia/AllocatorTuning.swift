import CLibAVShims

/// Process-wide allocator settings for a process that records many streams.
///
/// Each recording thread allocates and frees frame-sized buffers (keyframes of 100 KiB and more) several times a
/// second. glibc's defaults hand such memory back to the kernel after each free (`madvise`, `munmap`) and fault it in
/// again on the next frame, which costs more CPU per stream than the remux itself. Measured with 50 paced 720p
/// streams in one process: 0.109 → 0.082 % of a core per stream, for about 0.2 MiB more private memory per stream.
public enum AllocatorTuning {
    /// Keeps freed memory for reuse: blocks up to 8 MiB come from the heap (not their own mapping) and a heap is
    /// trimmed only when 64 MiB sit free at its top. Call once at process start, before the recordings. Linux with glibc only.
    public static func keepFreedMemoryForReuse() {
        ttr_malloc_keep_freed_memory(8 << 20, 64 << 20)
    }
}
