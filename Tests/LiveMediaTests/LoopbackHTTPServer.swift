import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Test tooling: a one-connection HTTP server on 127.0.0.1 that answers any request with `status` and `body`
/// (ended by closing the connection), optionally going silent after `stallAfter` bytes until it is closed.
final class LoopbackHTTPServer: Sendable {
    let port: UInt16
    private let listener: Int32
    private let finished = DispatchSemaphore(value: 0)

    init(status: Int = 200, body: [UInt8], stallAfter: Int? = nil) throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(listener, pointer, length) == 0 && listen(listener, 1) == 0 && getsockname(listener, pointer, &length) == 0
            }
        }
        guard bound else { throw POSIXError(.EADDRINUSE) }
        self.listener = listener
        self.port = UInt16(bigEndian: address.sin_port)
        let finished = self.finished
        Thread.detachNewThread {
            defer { finished.signal() }
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else { return }
            defer { Glibc.close(connection) }
            var request: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 4096)
            while !request.suffix(4).elementsEqual([13, 10, 13, 10]) {
                let count = read(connection, &buffer, buffer.count)
                if count <= 0 { return }
                request += buffer[0..<count]
            }
            let reason = status == 200 ? "OK" : "Error"
            let head = Array("HTTP/1.1 \(status) \(reason)\r\nContent-Type: video/x-flv\r\nConnection: close\r\n\r\n".utf8)
            let payload = head + body.prefix(stallAfter ?? body.count)
            var sent = 0
            while sent < payload.count {
                let count = payload[sent...].withUnsafeBytes { send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                if count <= 0 { return }
                sent += count
            }
            if stallAfter != nil {
                // Silent until the client gives up (read returns 0 or fails when it closes).
                _ = read(connection, &buffer, buffer.count)
            }
        }
    }

    var url: String { "http://127.0.0.1:\(self.port)/game/stream-1_hd5.flv?expire=1&sign=secret" }

    /// Stops listening and waits (up to 10 s) for the connection thread to end.
    func close() {
        shutdown(self.listener, Int32(SHUT_RDWR))
        Glibc.close(self.listener)
        _ = self.finished.wait(timeout: .now() + 10)
    }
}
