import CLibAV
import CLibAVShims

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The file a muxer writes to: a POSIX file descriptor this type opens and owns, behind a write-only libav
/// `AVIOContext` whose callback writes straight to it.
///
/// libavformat marks where each MP4 fragment starts (`AVIO_DATA_MARKER_SYNC_POINT`, or `BOUNDARY_POINT` without
/// video); this type counts those, remembers the offset where the fragment being written began, and, when a write
/// fails (a full disk), truncates the file back to that offset so it ends with a complete fragment, keeps the
/// error (naming the file) for the writer to throw, and refuses later writes. Not thread-safe: one thread, the
/// writer's. The `AVIOContext` holds an unretained pointer to this object: it must not outlive it (``close()``).
final class FileOutput {
    /// The file's path, for messages.
    let path: String
    /// The libav I/O context to install as `AVFormatContext.pb`; nil once closed.
    private(set) var context: UnsafeMutablePointer<AVIOContext>?
    /// Bytes handed to the kernel so far (after a failure: what the file was truncated to).
    private(set) var bytesWritten: Int64 = 0
    /// Fragments begun (a fragment is written in one go, so after the muxer call returns they are complete).
    private(set) var fragmentsStarted = 0
    /// `fsync` calls that succeeded (for tests and stats).
    private(set) var syncCount = 0
    /// The first write or sync failure, after which nothing more is written.
    private(set) var failure: LiveMediaError?
    /// Test hook: behave as a disk that is full once the file holds this many bytes (writes fail with ENOSPC).
    var byteLimit: Int64?

    private var descriptor: Int32
    private var fragmentStartOffset: Int64 = 0
    private static let bufferSize = 256 * 1024

    /// Creates or truncates the file at `path` (mode 0644) and sets up the I/O context.
    /// - Throws: ``LiveMediaError/libav(operation:code:message:)`` naming the file and the reason (a missing
    ///   directory, no permission, a full disk).
    init(path: String) throws(LiveMediaError) {
        self.path = path
        self.descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard self.descriptor >= 0 else { throw Self.error(errno, "creating \(path)") }
        guard let buffer = av_malloc(Self.bufferSize)?.assumingMemoryBound(to: UInt8.self),
            let context = avio_alloc_context(
                buffer, Int32(Self.bufferSize), 1, Unmanaged.passUnretained(self).toOpaque(), nil, nil, nil)
        else {
            closeDescriptor(self.descriptor)
            throw .libav(operation: "avio_alloc_context", code: ttr_av_error(ENOMEM), message: "out of memory")
        }
        context.pointee.write_data_type = { opaque, data, size, type, _ in
            guard let opaque else { return ttr_av_error(EINVAL) }
            let output = Unmanaged<FileOutput>.fromOpaque(opaque).takeUnretainedValue()
            return output.receive(UnsafeRawBufferPointer(start: data, count: Int(size)), type)
        }
        self.context = context
    }

    deinit { self.close() }

    /// The muxer's bytes: marks fragment starts, then writes them all (retrying short writes and EINTR).
    private func receive(_ bytes: UnsafeRawBufferPointer, _ type: AVIODataMarkerType) -> Int32 {
        if type == AVIO_DATA_MARKER_SYNC_POINT || type == AVIO_DATA_MARKER_BOUNDARY_POINT {
            self.fragmentsStarted += 1
            self.fragmentStartOffset = self.bytesWritten
        } else if type == AVIO_DATA_MARKER_TRAILER {
            self.fragmentStartOffset = self.bytesWritten
        }
        guard self.failure == nil else { return ttr_av_error(EIO) }
        var offset = 0
        while offset < bytes.count {
            var count = bytes.count - offset
            if let limit = self.byteLimit { count = Int(max(0, min(Int64(count), limit - self.bytesWritten))) }
            let written = count == 0 ? -1 : write(self.descriptor, bytes.baseAddress! + offset, count)
            let code = count == 0 ? ENOSPC : errno
            if written < 0 {
                if code == EINTR { continue }
                self.fail(code, "writing \(self.path)")
                return ttr_av_error(code)
            }
            offset += written
            self.bytesWritten += Int64(written)
        }
        return Int32(bytes.count)
    }

    /// Keeps the first failure; after a failed write, cuts the file back to its last complete fragment.
    private func fail(_ code: Int32, _ operation: String, truncate: Bool = true) {
        if self.failure == nil { self.failure = Self.error(code, operation) }
        if truncate && ftruncate(self.descriptor, off_t(self.fragmentStartOffset)) == 0 {
            self.bytesWritten = self.fragmentStartOffset
        }
    }

    /// Passes what libav still buffers to the file.
    func flush() {
        if let context = self.context { avio_flush(context) }
    }

    /// Flushes, then `fsync`s the file.
    /// - Throws: the kept failure, or the `fsync` error naming the file.
    func sync() throws(LiveMediaError) {
        self.flush()
        if let failure = self.failure { throw failure }
        guard self.descriptor >= 0 else { return }
        while fsync(self.descriptor) != 0 {
            let code = errno
            if code == EINTR { continue }
            self.fail(code, "syncing \(self.path) to disk", truncate: false)
            throw self.failure!
        }
        self.syncCount += 1
    }

    /// Frees the I/O context without flushing (whatever libav still buffers is dropped, as in a crash) and closes
    /// the file. Later calls do nothing.
    func close() {
        if let context = self.context {
            av_freep(&context.pointee.buffer)
            var optional: UnsafeMutablePointer<AVIOContext>? = context
            avio_context_free(&optional)
            self.context = nil
        }
        if self.descriptor >= 0 {
            closeDescriptor(self.descriptor)
            self.descriptor = -1
        }
    }

    /// The error for a failed system call on the file: a full disk (ENOSPC, EDQUOT) says so and what to do.
    static func error(_ code: Int32, _ operation: String) -> LiveMediaError {
        let message: String
        if code == ENOSPC || code == EDQUOT {
            message =
                "the disk is full (\(code == ENOSPC ? "ENOSPC" : "EDQUOT")); the file keeps every complete "
                + "fragment written so far: free space or record to another disk"
        } else {
            message = String(cString: strerror(code))
        }
        return .libav(operation: operation, code: ttr_av_error(code), message: message)
    }
}

/// `close(2)`, out of reach of ``FileOutput/close()`` inside the class.
private func closeDescriptor(_ descriptor: Int32) {
    _ = close(descriptor)
}
