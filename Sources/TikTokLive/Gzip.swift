import CZlib
import Foundation

/// gzip through zlib, for WebSocket payloads sent with `compress_type=gzip`.
public enum Gzip {
    /// Whether `bytes` begin with the gzip magic `1F 8B 08`.
    public static func isCompressed(_ bytes: Data) -> Bool {
        bytes.count >= 3 && bytes[bytes.startIndex] == 0x1F && bytes[bytes.startIndex + 1] == 0x8B
            && bytes[bytes.startIndex + 2] == 0x08
    }

    /// Inflates a gzip member.
    /// - Throws: ``GzipError`` when the data is not complete, valid gzip, or inflates past `limit` bytes.
    public static func decompress(_ input: Data, limit: Int = 64 << 20) throws(GzipError) -> Data {
        var stream = z_stream()
        guard ttr_inflate_init2(&stream, 16 + MAX_WBITS) == Z_OK else { throw GzipError(reason: "inflateInit2 failed") }
        defer { inflateEnd(&stream) }
        var output = Data()
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        var status: Int32 = Z_OK
        var input = input
        let inputCount = input.count
        input.withUnsafeMutableBytes { raw in
            stream.next_in = raw.bindMemory(to: Bytef.self).baseAddress
            stream.avail_in = uInt(inputCount)
            repeat {
                chunk.withUnsafeMutableBufferPointer { buffer in
                    stream.next_out = buffer.baseAddress
                    stream.avail_out = uInt(buffer.count)
                    status = inflate(&stream, Z_NO_FLUSH)
                    output.append(buffer.baseAddress!, count: buffer.count - Int(stream.avail_out))
                }
            } while status == Z_OK && output.count <= limit && (stream.avail_in > 0 || stream.avail_out == 0)
        }
        guard output.count <= limit else { throw GzipError(reason: "inflated size exceeds \(limit) bytes") }
        guard status == Z_STREAM_END else {
            throw GzipError(reason: status == Z_OK ? "truncated gzip data" : "invalid gzip data (zlib \(status))")
        }
        return output
    }

    /// Deflates `input` into one gzip member.
    public static func compress(_ input: Data) -> Data {
        var stream = z_stream()
        precondition(ttr_deflate_init2(&stream, Z_DEFAULT_COMPRESSION, 16 + MAX_WBITS) == Z_OK, "deflateInit2 failed")
        defer { deflateEnd(&stream) }
        var output = Data()
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        var input = input
        let inputCount = input.count
        input.withUnsafeMutableBytes { raw in
            stream.next_in = raw.bindMemory(to: Bytef.self).baseAddress
            stream.avail_in = uInt(inputCount)
            var status: Int32 = Z_OK
            repeat {
                chunk.withUnsafeMutableBufferPointer { buffer in
                    stream.next_out = buffer.baseAddress
                    stream.avail_out = uInt(buffer.count)
                    status = deflate(&stream, Z_FINISH)
                    output.append(buffer.baseAddress!, count: buffer.count - Int(stream.avail_out))
                }
            } while status == Z_OK
        }
        return output
    }
}

/// gzip data that could not be inflated.
public struct GzipError: Error, CustomStringConvertible, Sendable {
    /// What zlib objected to.
    public let reason: String
    public var description: String { "gzip payload: \(self.reason)" }
}
