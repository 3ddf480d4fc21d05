import Foundation

/// One WebSocket message in a trace file (`TTLIVE-WS-TRACE 1`): which way it went, when, and its bytes.
///
/// On disk a record is 1 byte direction (0 received, 1 sent), 8 bytes big-endian Unix time in microseconds,
/// 4 bytes big-endian length, then the message bytes.
public struct WebSocketTraceRecord: Sendable, Equatable {
    /// Which way a traced message went.
    public enum Direction: UInt8, Sendable, CaseIterable {
        /// From TikTok to us.
        case received = 0
        /// From us to TikTok.
        case sent = 1
    }

    /// Which way the message went.
    public var direction: Direction
    /// When it was sent or received, Unix time in microseconds.
    public var timeMicroseconds: Int64
    /// The whole WebSocket message (for TikTok, the bytes of one `WebcastPushFrame`).
    public var bytes: Data
    /// Where the record starts in its trace file (0 for records not read from a file).
    public var offset: Int

    /// Creates a record value.
    public init(direction: Direction, timeMicroseconds: Int64, bytes: Data, offset: Int = 0) {
        self.direction = direction
        self.timeMicroseconds = timeMicroseconds
        self.bytes = bytes
        self.offset = offset
    }

    /// The time as Unix milliseconds, the unit of the event schema's `receivedAt`.
    public var timeMilliseconds: Int64 { self.timeMicroseconds / 1000 }

    /// The time as a `Date`.
    public var date: Date { Date(timeIntervalSince1970: Double(self.timeMicroseconds) / 1_000_000) }
}

/// The fixed parts of the trace format.
enum WebSocketTraceFormat {
    /// The first line of every trace file.
    static let header = Array("TTLIVE-WS-TRACE 1\n".utf8)
    /// Direction, time and length before each message's bytes.
    static let recordHeaderSize = 1 + 8 + 4
    /// The largest message a trace may hold; anything longer means the file is corrupt. Four times the event
    /// socket's own frame limit.
    static let maximumMessageLength = 1 << 26
}
