import Foundation

/// Reads a WebSocket trace (`TTLIVE-WS-TRACE 1`) record by record, checking every byte of the format.
///
/// Holds the whole trace in memory (a file is memory-mapped when possible). A bad trace is reported with the byte
/// offset of the problem and what was expected there; records before that offset have already been returned
/// intact, so a trace cut short by a crash still yields everything but its last record.
///
/// ```swift
/// var reader = try WebSocketTraceReader(path: "session.wstrace")
/// while let record = try reader.next() { print(record.direction, record.bytes.count) }
/// ```
public struct WebSocketTraceReader: Sendable {
    /// The whole trace.
    public let data: Data
    /// The file the trace came from, if any; named in errors.
    public let path: String?
    /// The byte offset of the next record.
    public private(set) var offset: Int

    /// Reads the trace file at `path` and checks its header.
    /// - Throws: ``WebSocketTraceError`` of kind `io` when the file cannot be read, `notATrace` when it does not
    ///   start with the trace header.
    public init(path: String) throws(WebSocketTraceError) {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path), options: .mappedIfSafe)
        } catch {
            throw WebSocketTraceError(kind: .io, path: path, detail: "cannot read the file: \(error.localizedDescription)")
        }
        try self.init(data: data, path: path)
    }

    /// Starts reading `data`, a whole trace, and checks its header.
    /// - Parameter path: the file `data` came from, named in errors.
    /// - Throws: ``WebSocketTraceError`` of kind `notATrace` when `data` does not start with the trace header.
    public init(data: Data, path: String? = nil) throws(WebSocketTraceError) {
        self.data = data
        self.path = path
        self.offset = 0
        let header = WebSocketTraceFormat.header
        let start = data.startIndex
        let prefix = data[start..<start + min(data.count, header.count)]
        guard prefix.elementsEqual(header) else {
            throw self.error(.notATrace, at: 0, Self.headerMismatch(Array(prefix), total: data.count))
        }
        self.offset = header.count
    }

    /// Every record of `data` in order.
    /// - Throws: ``WebSocketTraceError`` naming the offset of the first problem.
    public static func records(in data: Data, path: String? = nil) throws(WebSocketTraceError) -> [WebSocketTraceRecord] {
        var reader = try WebSocketTraceReader(data: data, path: path)
        var records: [WebSocketTraceRecord] = []
        while let record = try reader.next() { records.append(record) }
        return records
    }

    /// Every record of the trace file at `path` in order.
    /// - Throws: ``WebSocketTraceError`` naming the file and the offset of the first problem.
    public static func records(inFile path: String) throws(WebSocketTraceError) -> [WebSocketTraceRecord] {
        var reader = try WebSocketTraceReader(path: path)
        var records: [WebSocketTraceRecord] = []
        while let record = try reader.next() { records.append(record) }
        return records
    }

    /// The next record, or `nil` at the end of the trace.
    /// - Throws: ``WebSocketTraceError`` of kind `unknownDirection`, `absurdLength` or `truncatedRecord`, naming the
    ///   offset. After an error the reader stays where it was.
    public mutating func next() throws(WebSocketTraceError) -> WebSocketTraceRecord? {
        let recordStart = self.offset
        let remaining = self.data.count - recordStart
        guard remaining > 0 else { return nil }

        let directionByte = self.byte(at: recordStart)
        guard let direction = WebSocketTraceRecord.Direction(rawValue: directionByte) else {
            throw self.error(
                .unknownDirection, at: recordStart,
                "expected a direction byte 0 (received) or 1 (sent) at the start of a record, found \(Self.hex(directionByte))"
            )
        }
        let headerSize = WebSocketTraceFormat.recordHeaderSize
        guard remaining >= headerSize else {
            throw self.error(
                .truncatedRecord, at: recordStart,
                "expected a \(headerSize)-byte record header (direction, time, length), but the trace ends after \(remaining) "
                    + "bytes (was the writer stopped mid-record? everything before this offset is intact)"
            )
        }
        let time = Int64(bitPattern: self.bigEndian(at: recordStart + 1, count: 8))
        let length = Int(self.bigEndian(at: recordStart + 9, count: 4))
        guard length <= WebSocketTraceFormat.maximumMessageLength else {
            throw self.error(
                .absurdLength, at: recordStart + 9,
                "expected a message length of at most \(WebSocketTraceFormat.maximumMessageLength) bytes, found \(length) "
                    + "(the trace is corrupt from the record at offset \(recordStart))"
            )
        }
        guard remaining - headerSize >= length else {
            throw self.error(
                .truncatedRecord, at: recordStart,
                "expected \(length) message bytes after the record header, but the trace ends after \(remaining - headerSize) "
                    + "(was the writer stopped mid-record? everything before this offset is intact)"
            )
        }
        let bodyStart = self.data.startIndex + recordStart + headerSize
        let bytes = Data(self.data[bodyStart..<bodyStart + length])
        self.offset = recordStart + headerSize + length
        return WebSocketTraceRecord(direction: direction, timeMicroseconds: time, bytes: bytes, offset: recordStart)
    }

    // MARK: - Bytes

    private func byte(at offset: Int) -> UInt8 {
        self.data[self.data.startIndex + offset]
    }

    private func bigEndian(at offset: Int, count: Int) -> UInt64 {
        var value: UInt64 = 0
        for index in offset..<offset + count { value = value << 8 | UInt64(self.byte(at: index)) }
        return value
    }

    private func error(_ kind: WebSocketTraceError.Kind, at offset: Int, _ detail: String) -> WebSocketTraceError {
        WebSocketTraceError(kind: kind, path: self.path, offset: offset, detail: detail)
    }

    private static func hex(_ byte: UInt8) -> String {
        "0x" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
    }

    /// What the start of a non-trace looked like, for the error message.
    private static func headerMismatch(_ prefix: [UInt8], total: Int) -> String {
        let expected = "expected the header \"TTLIVE-WS-TRACE 1\\n\""
        if total == 0 { return expected + ", but the file is empty" }
        let shown = prefix.map { byte -> String in
            switch byte {
            case 0x0A: "\\n"
            case 0x20..<0x7F: String(UnicodeScalar(byte))
            default: "\\x" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }.joined()
        if prefix.starts(with: Array("TTLIVE-WS-TRACE ".utf8)) {
            return expected + ", found \"\(shown)\": a trace format version this build does not read"
        }
        let suffix = total < WebSocketTraceFormat.header.count ? " (the file is only \(total) bytes)" : ""
        return expected + ", found \"\(shown)\"\(suffix): this file is not a WebSocket trace"
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: max(0, width - self.count)) + self
    }
}
