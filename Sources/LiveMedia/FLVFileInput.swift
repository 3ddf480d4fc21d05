import CurlTransport
import Foundation

/// A local FLV file (a CDN dump or an old recording), read in 64 KiB chunks through ``FLVTagParser`` and
/// ``FLVDemuxer`` on the calling thread, as fast as the disk allows.
public struct FLVFileInput: MediaInput {
    /// The file.
    public let path: String
    /// Bytes per read.
    static let chunkSize = 64 << 10

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
        guard let handle = FileHandle(forReadingAtPath: self.path) else { throw MediaInputFailure.missingFile(self.path) }
        defer { try? handle.close() }
        var reader = FLVEventReader()
        var total: Int64 = 0
        while !stop.isStopped {
            let chunk: Data
            do {
                chunk = try handle.read(upToCount: Self.chunkSize) ?? Data()
            } catch {
                throw MediaInputFailure.invalidData(self.path, "read failed: \(error.localizedDescription)")
            }
            if chunk.isEmpty { break }
            total += Int64(chunk.count)
            try chunk.withUnsafeBytes { try reader.consume($0, sink: sink) }
        }
        if !stop.isStopped, reader.offset < total {
            throw LiveMediaError.truncated(path: self.path, offset: reader.offset)
        }
    }
}
