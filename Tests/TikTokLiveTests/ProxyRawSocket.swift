import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A blocking loopback TCP client for tests that must speak to the proxy byte by byte. Reads time out after 5 s.
/// Used from one dedicated thread at a time.
final class RawSocket: Sendable {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    let descriptor: Int32

    /// Connects to `127.0.0.1:port`.
    init(port: Int) throws {
        #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw Failure(description: "socket: \(String(cString: strerror(errno)))") }
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = Self.loopback(port: port)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else {
            _ = Self.closeDescriptor(fd)
            throw Failure(description: "connect to 127.0.0.1:\(port): \(String(cString: strerror(errno)))")
        }
        self.descriptor = fd
    }

    /// A loopback port nothing listens on (bound, then released).
    static func unusedPort() throws -> Int {
        #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        defer { _ = Self.closeDescriptor(fd) }
        var address = Self.loopback(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        guard bound else { throw Failure(description: "bind: \(String(cString: strerror(errno)))") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    private static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        return address
    }

    func send(_ text: String) throws {
        let bytes = Array(text.utf8)
        var sent = 0
        while sent < bytes.count {
            let result = bytes.withUnsafeBytes { write(self.descriptor, $0.baseAddress! + sent, bytes.count - sent) }
            guard result > 0 else { throw Failure(description: "write: \(String(cString: strerror(errno)))") }
            sent += result
        }
    }

    /// Reads until the text received so far ends with `terminator`.
    func read(until terminator: String) throws -> String {
        var received: [UInt8] = []
        let end = Array(terminator.utf8)
        while !received.reversed().starts(with: end.reversed()) {
            guard let byte = try self.readChunk(max: 1).first else {
                throw Failure(description: "connection closed before '\(terminator)'; got '\(String(decoding: received, as: UTF8.self))'")
            }
            received.append(byte)
        }
        return String(decoding: received, as: UTF8.self)
    }

    /// Reads until the peer closes.
    func readToEnd() throws -> String {
        var received: [UInt8] = []
        while true {
            let chunk = try self.readChunk(max: 4096)
            if chunk.isEmpty { return String(decoding: received, as: UTF8.self) }
            received += chunk
        }
    }

    private func readChunk(max: Int) throws -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: max)
        let count = buffer.withUnsafeMutableBytes { raw in
            #if canImport(Glibc)
            Glibc.read(self.descriptor, raw.baseAddress!, max)
            #else
            Darwin.read(self.descriptor, raw.baseAddress!, max)
            #endif
        }
        guard count >= 0 else { throw Failure(description: "read: \(String(cString: strerror(errno))) (5 s timeout)") }
        return Array(buffer[..<count])
    }

    func close() {
        _ = Self.closeDescriptor(self.descriptor)
    }

    private static func closeDescriptor(_ fd: Int32) -> Int32 {
        #if canImport(Glibc)
        Glibc.close(fd)
        #else
        Darwin.close(fd)
        #endif
    }
}
