import CurlTransport
import Foundation

/// A local FLV file (a CDN dump or an old recording), read in 1 MiB chunks through ``FLVTagParser`` and
/// ``FLVDemuxer`` on the calling thread, as fast as the disk allows.
public struct FLVFileInput: MediaInput {
    /// The file.
    public let path: String
    /// Bytes per read.
    static let chunkSize = 1 << 20

    /// Creates an input for the FLV file at `path` (nothing is opened until ``run(stop:sink:)``).
    public init(path: String) {
        self.path = path
    }

    /// `FLV file <path>`.
    public var description: String { "FLV file \(self.path)" }

    /// Reads the whole file, or until `stop` is raised.
    /// - Throws: ``LiveMediaError`` when the file is missing or unreadable, is not FLV, ends inside a tag (a
    ///   truncated file: everything before the cut has been delivered), or uses a codec we cannot record; or what
    ///   `sink` throws.
    public func run(stop: StopSignal, sink: any MediaInputSink) throws {
        // POSIX reads into one reused buffer: FileHandle on Linux splits each read into 4 KiB reads plus an fstat.
        let descriptor = open(self.path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw MediaInputFailure.missingFile(self.path) }
        defer { close(descriptor) }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.chunkSize, alignment: 16)
        defer { buffer.deallocate() }
        var reader = FLVEventReader()
        var total: Int64 = 0
        while !stop.isStopped {
            let count = read(descriptor, buffer.baseAddress, Self.chunkSize)
            if count < 0 {
                if errno == EINTR { continue }
                throw MediaInputFailure.invalidData(self.path, "read failed: \(String(cString: strerror(errno)))")
            }
            if count == 0 { break }
            total += Int64(count)
            try reader.consume(UnsafeRawBufferPointer(rebasing: buffer[0..<count]), sink: sink)
        }
        if !stop.isStopped, reader.offset < total {
            throw LiveMediaError.truncated(path: self.path, offset: reader.offset)
        }
    }
}
