import Foundation
import Testing
import TikTokLive

/// The WebSocket trace format (`TTLIVE-WS-TRACE 1`): what the writer puts on disk, what the reader gets back, and
/// how every kind of damaged trace is reported with its byte offset.
@Suite struct TraceFileTests {
    static let header = Data("TTLIVE-WS-TRACE 1\n".utf8)

    static func temporaryPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("trace-\(UUID().uuidString).wstrace").path
    }

    /// One record's bytes, built by hand from the format description (not by the writer under test).
    static func recordBytes(direction: UInt8, time: UInt64, length: UInt32? = nil, body: [UInt8]) -> Data {
        var bytes = [direction]
        bytes += (0..<8).reversed().map { UInt8(truncatingIfNeeded: time >> ($0 * 8)) }
        let length = length ?? UInt32(body.count)
        bytes += (0..<4).reversed().map { UInt8(truncatingIfNeeded: length >> ($0 * 8)) }
        return Data(bytes + body)
    }

    @Test func writtenRecordsReadBackExactlyAndTheBytesFollowTheFormat() throws {
        let path = Self.temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let writer = try WebSocketTraceWriter(path: path)
        try writer.record(.sent, [0x3A, 0x02, 0x68, 0x62], timeMicroseconds: 1_700_000_000_123_456)
        try writer.record(.received, Data([0x01, 0xFF, 0x00]), timeMicroseconds: 1_700_000_000_223_456)
        try writer.record(.received, [UInt8](), timeMicroseconds: 1_700_000_001_000_000)
        writer.close()

        let file = try Data(contentsOf: URL(fileURLWithPath: path))
        var expected = Self.header
        expected += Self.recordBytes(direction: 1, time: 1_700_000_000_123_456, body: [0x3A, 0x02, 0x68, 0x62])
        expected += Self.recordBytes(direction: 0, time: 1_700_000_000_223_456, body: [0x01, 0xFF, 0x00])
        expected += Self.recordBytes(direction: 0, time: 1_700_000_001_000_000, body: [])
        #expect(file == expected)

        let records = try WebSocketTraceReader.records(inFile: path)
        #expect(records.map(\.direction) == [.sent, .received, .received])
        #expect(records.map(\.timeMicroseconds) == [1_700_000_000_123_456, 1_700_000_000_223_456, 1_700_000_001_000_000])
        #expect(records.map { [UInt8]($0.bytes) } == [[0x3A, 0x02, 0x68, 0x62], [0x01, 0xFF, 0x00], []])
        #expect(records.map(\.offset) == [18, 18 + 17, 18 + 17 + 16])
        #expect(records[0].timeMilliseconds == 1_700_000_000_123)
    }

    @Test func recordsWithoutAnExplicitTimeAreStampedWithNow() throws {
        let path = Self.temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let before = Int64(Date().timeIntervalSince1970 * 1_000_000)
        let writer = try WebSocketTraceWriter(path: path)
        try writer.record(.received, [1, 2, 3])
        writer.close()
        let after = Int64(Date().timeIntervalSince1970 * 1_000_000)
        let time = try #require(try WebSocketTraceReader.records(inFile: path).first).timeMicroseconds
        #expect(time >= before - 1000 && time <= after + 1000)
    }

    @Test func reopeningATraceAppendsUnderTheOneHeader() throws {
        let path = Self.temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let first = try WebSocketTraceWriter(path: path)
        try first.record(.sent, [1], timeMicroseconds: 1)
        first.close()
        let second = try WebSocketTraceWriter(path: path)
        try second.record(.received, [2, 2], timeMicroseconds: 2)
        second.close()

        let file = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(file.count == 18 + (13 + 1) + (13 + 2))
        #expect(file.range(of: Self.header, in: 1..<file.count) == nil)
        let records = try WebSocketTraceReader.records(in: file)
        #expect(records.map { [UInt8]($0.bytes) } == [[1], [2, 2]])
    }

    @Test func anEmptyExistingFileGetsTheHeader() throws {
        let path = Self.temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(FileManager.default.createFile(atPath: path, contents: Data()))
        let writer = try WebSocketTraceWriter(path: path)
        try writer.record(.received, [9], timeMicroseconds: 5)
        writer.close()
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Self.header + Self.recordBytes(direction: 0, time: 5, body: [9]))
    }

    @Test func aRecordCutShortByACrashIsTrimmedBeforeAppending() throws {
        let path = Self.temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let crashed =
            Self.header + Self.recordBytes(direction: 0, time: 1, body: [1, 1])
            + Self.recordBytes(direction: 1, time: 2, body: [7, 7, 7]).prefix(9)
        try crashed.write(to: URL(fileURLWithPath: path))
        let writer = try WebSocketTraceWriter(path: path)
        try writer.record(.received, [3], timeMicroseconds: 3)
        writer.close()
        let records = try WebSocketTraceReader.records(inFile: path)
        #expect(records.map { [UInt8]($0.bytes) } == [[1, 1], [3]])
    }

    @Test func aFileThatIsNotATraceIsNeverAppendedTo() throws {
        let path = Self.temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let original = Data("{\"type\":\"chat\"}\n".utf8)
        try original.write(to: URL(fileURLWithPath: path))
        let error = #expect(throws: WebSocketTraceError.self) { try WebSocketTraceWriter(path: path) }
        #expect(error?.kind == .notATrace)
        #expect(error?.description.contains(path) == true)
        #expect(error?.description.contains("byte offset 0") == true)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == original)
    }

    @Test func aWriterCannotOpenAFileInAMissingFolder() throws {
        let path = "/nonexistent-\(UUID().uuidString)/trace.wstrace"
        let error = #expect(throws: WebSocketTraceError.self) { try WebSocketTraceWriter(path: path) }
        #expect(error?.kind == .io)
        #expect(error?.description.contains(path) == true)
    }

    @Test func recordingAfterCloseThrows() throws {
        let path = Self.temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let writer = try WebSocketTraceWriter(path: path)
        writer.close()
        writer.close()
        let error = #expect(throws: WebSocketTraceError.self) { try writer.record(.sent, [1]) }
        #expect(error?.kind == .closed)
    }

    @Test func concurrentWritersNeverInterleaveRecords() async throws {
        let path = Self.temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let writer = try WebSocketTraceWriter(path: path)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for task in 0..<8 {
                group.addTask {
                    for index in 0..<100 {
                        let body = [UInt8](repeating: UInt8(task), count: 50 + index)
                        try writer.record(task.isMultiple(of: 2) ? .sent : .received, body, timeMicroseconds: Int64(index))
                    }
                }
            }
            try await group.waitForAll()
        }
        writer.close()
        let records = try WebSocketTraceReader.records(inFile: path)
        #expect(records.count == 800)
        for record in records {
            let task = try #require(record.bytes.first)
            #expect(record.bytes.allSatisfy { $0 == task })
            #expect(record.bytes.count == 50 + Int(record.timeMicroseconds))
            #expect(record.direction == (task.isMultiple(of: 2) ? .sent : .received))
        }
    }

    // MARK: - Bad traces

    struct BadTrace: Sendable, CustomTestStringConvertible {
        let name: String
        let bytes: Data
        let kind: WebSocketTraceError.Kind
        let offset: Int
        let mentions: String
        /// Records that must still come out before the error.
        let goodRecords: Int
        var testDescription: String { self.name }
    }

    static let good = Self.recordBytes(direction: 0, time: 42, body: [1, 2, 3, 4, 5])

    static let badTraces: [BadTrace] = [
        BadTrace(name: "empty file", bytes: Data(), kind: .notATrace, offset: 0, mentions: "empty", goodRecords: 0),
        BadTrace(
            name: "not a trace", bytes: Data("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8), kind: .notATrace, offset: 0,
            mentions: "TTLIVE-WS-TRACE 1", goodRecords: 0
        ),
        BadTrace(
            name: "header cut short", bytes: Data("TTLIVE-WS".utf8), kind: .notATrace, offset: 0, mentions: "only 9 bytes",
            goodRecords: 0
        ),
        BadTrace(
            name: "another version", bytes: Data("TTLIVE-WS-TRACE 2\n".utf8) + good, kind: .notATrace, offset: 0,
            mentions: "version", goodRecords: 0
        ),
        BadTrace(
            name: "unknown direction", bytes: header + good + Self.recordBytes(direction: 7, time: 1, body: [1]),
            kind: .unknownDirection, offset: 18 + 18, mentions: "found 0x07", goodRecords: 1
        ),
        BadTrace(
            name: "record header cut short", bytes: header + good + Data([1, 0, 0, 0]), kind: .truncatedRecord, offset: 18 + 18,
            mentions: "13-byte record header", goodRecords: 1
        ),
        BadTrace(
            name: "message cut short", bytes: header + good + Self.recordBytes(direction: 1, time: 1, length: 100, body: [1, 2]),
            kind: .truncatedRecord, offset: 18 + 18, mentions: "expected 100 message bytes", goodRecords: 1
        ),
        BadTrace(
            name: "absurd length", bytes: header + Self.recordBytes(direction: 0, time: 1, length: 0xFFFF_FFF0, body: [1]),
            kind: .absurdLength, offset: 18 + 9, mentions: "4294967280", goodRecords: 0
        ),
    ]

    @Test(arguments: badTraces)
    func aBadTraceIsReportedWithTheOffsetOfTheProblem(_ bad: BadTrace) throws {
        var delivered = 0
        let error = #expect(throws: WebSocketTraceError.self) {
            var reader = try WebSocketTraceReader(data: bad.bytes, path: "bug-report.wstrace")
            while try reader.next() != nil { delivered += 1 }
        }
        #expect(error?.kind == bad.kind)
        #expect(error?.offset == bad.offset)
        let message = error?.description ?? ""
        #expect(message.contains("bug-report.wstrace"), "\(message)")
        #expect(message.contains("byte offset \(bad.offset):"), "\(message)")
        #expect(message.contains(bad.mentions), "\(message)")
        #expect(delivered == bad.goodRecords)
    }

    @Test func aMissingTraceFileIsNamed() {
        let path = "/nonexistent-\(UUID().uuidString).wstrace"
        let error = #expect(throws: WebSocketTraceError.self) { try WebSocketTraceReader(path: path) }
        #expect(error?.kind == .io)
        #expect(error?.description.contains(path) == true)
    }
}
