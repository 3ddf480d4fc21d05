import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Appends every WebSocket message sent and received to a trace file, for bug reports and
/// `tiktok-recorder replay`.
///
/// The format is the ASCII line `TTLIVE-WS-TRACE 1\n`, then per message 1 byte direction (0 received, 1 sent),
/// 8 bytes big-endian Unix time in microseconds, 4 bytes big-endian length, and the message bytes.
///
/// Owns one open file descriptor until ``close()`` (or deinit). Safe to call from any thread: records are written
/// whole, one at a time. Each record goes to the kernel with `write(2)` before ``record(_:_:timeMicroseconds:)``
/// returns (no user-space buffering), so a crash of the process loses at most a record being written at that
/// moment. There is no `fsync`: after a power cut the file ends wherever the system had flushed it. A record
/// blocks its caller for that one write to a local file.
///
/// Opening an existing trace appends to it (one header at the top). A trace whose last record was cut short is
/// trimmed to its last whole record first; a file that is not a trace is refused, never overwritten.
public final class WebSocketTraceWriter: Sendable {
    /// The trace file.
    public let path: String
    private let descriptor: Mutex<Int32?>

    /// Opens or creates the trace at `path`, writing the header when the file is new or empty.
    /// - Throws: ``WebSocketTraceError`` of kind `io` when the file cannot be opened or written, `notATrace` (with the
    ///   offset) when it exists with contents that are not a trace.
    public init(path: String) throws(WebSocketTraceError) {
        self.path = path
        let fd = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw WebSocketTraceError(kind: .io, path: path, detail: "cannot open for writing: \(Self.systemError())")
        }
        do throws(WebSocketTraceError) {
            let end = try Self.endOfLastWholeRecord(fd: fd, path: path)
            if end == 0 {
                try Self.writeAll(WebSocketTraceFormat.header, fd: fd, path: path)
            } else if try end < Self.fileSize(fd: fd, path: path) {
                guard ftruncate(fd, off_t(end)) == 0 else {
                    throw WebSocketTraceError(
                        kind: .io, path: path, offset: end, detail: "cannot trim a cut-short last record: \(Self.systemError())")
                }
            }
        } catch {
            closeDescriptor(fd)
            throw error
        }
        self.descriptor = Mutex(fd)
    }

    deinit {
        self.close()
    }

    /// Appends one message with its direction and time (now, unless given).
    /// - Throws: ``WebSocketTraceError`` of kind `io` when the write fails, `absurdLength` for a message longer than a
    ///   trace may hold (64 MiB), `closed` after ``close()``.
    public func record(
        _ direction: WebSocketTraceRecord.Direction, _ bytes: some Collection<UInt8>, timeMicroseconds: Int64? = nil
    ) throws(WebSocketTraceError) {
        let length = bytes.count
        guard length <= WebSocketTraceFormat.maximumMessageLength else {
            throw WebSocketTraceError(
                kind: .absurdLength, path: self.path,
                detail: "a \(length)-byte message is longer than a trace record may be (\(WebSocketTraceFormat.maximumMessageLength))"
            )
        }
        let time = timeMicroseconds ?? Self.nowMicroseconds()
        var buffer: [UInt8] = []
        buffer.reserveCapacity(WebSocketTraceFormat.recordHeaderSize + length)
        buffer.append(direction.rawValue)
        withUnsafeBytes(of: UInt64(bitPattern: time).bigEndian) { buffer.append(contentsOf: $0) }
        withUnsafeBytes(of: UInt32(length).bigEndian) { buffer.append(contentsOf: $0) }
        buffer.append(contentsOf: bytes)
        try self.descriptor.withLock { (fd: inout Int32?) throws(WebSocketTraceError) in
            guard let open = fd else {
                throw WebSocketTraceError(kind: .closed, path: self.path, detail: "the trace writer was closed")
            }
            try Self.writeAll(buffer, fd: open, path: self.path)
        }
    }

    /// Closes the file. Later records throw; closing twice does nothing.
    public func close() {
        self.descriptor.withLock { fd in
            if let open = fd { closeDescriptor(open) }
            fd = nil
        }
    }

    // MARK: - File

    /// The current Unix time in microseconds.
    static func nowMicroseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) * 1_000_000 + Int64(now.tv_nsec) / 1000
    }

    private static func writeAll(_ bytes: [UInt8], fd: Int32, path: String) throws(WebSocketTraceError) {
        var written = 0
        while written < bytes.count {
            let result = bytes.withUnsafeBytes { raw in write(fd, raw.baseAddress! + written, raw.count - written) }
            if result < 0 {
                if errno == EINTR { continue }
                throw WebSocketTraceError(kind: .io, path: path, detail: "cannot write: \(Self.systemError())")
            }
            written += result
        }
    }

    private static func fileSize(fd: Int32, path: String) throws(WebSocketTraceError) -> Int {
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            throw WebSocketTraceError(kind: .io, path: path, detail: "cannot stat: \(Self.systemError())")
        }
        return Int(info.st_size)
    }

    /// Walks an existing trace's record headers and returns where its last whole record ends (0 for an empty file).
    private static func endOfLastWholeRecord(fd: Int32, path: String) throws(WebSocketTraceError) -> Int {
        let size = try Self.fileSize(fd: fd, path: path)
        guard size > 0 else { return 0 }
        let header = WebSocketTraceFormat.header
        let start = try Self.read(fd: fd, at: 0, count: header.count, path: path)
        guard start == header else {
            // Let the reader describe what it found.
            do throws(WebSocketTraceError) {
                _ = try WebSocketTraceReader(data: Data(start), path: path)
            } catch {
                throw WebSocketTraceError(
                    kind: .notATrace, path: path, offset: 0,
                    detail: error.detail + "; refusing to append to it (choose another trace file)")
            }
            return 0
        }
        var offset = header.count
        let headerSize = WebSocketTraceFormat.recordHeaderSize
        while offset + headerSize <= size {
            let fields = try Self.read(fd: fd, at: offset, count: headerSize, path: path)
            guard WebSocketTraceRecord.Direction(rawValue: fields[0]) != nil else {
                throw WebSocketTraceError(
                    kind: .unknownDirection, path: path, offset: offset,
                    detail: "expected a direction byte 0 or 1, found \(fields[0]); refusing to append to a corrupt trace")
            }
            let length = fields[9..<13].reduce(0) { $0 << 8 | Int($1) }
            guard length <= WebSocketTraceFormat.maximumMessageLength else {
                throw WebSocketTraceError(
                    kind: .absurdLength, path: path, offset: offset + 9,
                    detail: "expected a message length of at most \(WebSocketTraceFormat.maximumMessageLength), found \(length); "
                        + "refusing to append to a corrupt trace")
            }
            guard offset + headerSize + length <= size else { break }
            offset += headerSize + length
        }
        return offset
    }

    private static func read(fd: Int32, at offset: Int, count: Int, path: String) throws(WebSocketTraceError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let result = bytes.withUnsafeMutableBytes { raw in pread(fd, raw.baseAddress! + done, count - done, off_t(offset + done)) }
            if result < 0, errno == EINTR { continue }
            guard result >= 0 else {
                throw WebSocketTraceError(kind: .io, path: path, offset: offset, detail: "cannot read: \(Self.systemError())")
            }
            if result == 0 { break }
            done += result
        }
        return Array(bytes[..<done])
    }

    private static func systemError() -> String {
        String(cString: strerror(errno))
    }
}

/// `close(2)`, named apart from ``WebSocketTraceWriter/close()``.
private func closeDescriptor(_ fd: Int32) {
    #if canImport(Glibc)
    _ = Glibc.close(fd)
    #elseif canImport(Darwin)
    _ = Darwin.close(fd)
    #endif
}
