/// A WebSocket trace that cannot be read or written: which file, where in it, what was expected and what was there.
public struct WebSocketTraceError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What went wrong.
    public enum Kind: Sendable, Equatable {
        /// The file does not start with `TTLIVE-WS-TRACE 1\n`.
        case notATrace
        /// A record's direction byte is neither 0 (received) nor 1 (sent).
        case unknownDirection
        /// The file ends inside a record.
        case truncatedRecord
        /// A record claims a length no WebSocket message has; the file is corrupt from there on.
        case absurdLength
        /// The file cannot be opened, read or written.
        case io
        /// ``WebSocketTraceWriter/record(_:_:timeMicroseconds:)`` was called after ``WebSocketTraceWriter/close()``.
        case closed
    }

    /// What went wrong.
    public var kind: Kind
    /// The trace file, when the trace came from one.
    public var path: String?
    /// The byte offset in the trace where the problem is, when it is about the contents.
    public var offset: Int?
    /// What was expected and what was found, or the system's reason for an I/O failure.
    public var detail: String

    /// Creates an error value.
    public init(kind: Kind, path: String? = nil, offset: Int? = nil, detail: String) {
        self.kind = kind
        self.path = path
        self.offset = offset
        self.detail = detail
    }

    /// `WebSocket trace <path>: at byte offset <n>: <detail>`.
    public var description: String {
        var text = "WebSocket trace"
        if let path = self.path { text += " \(path)" }
        if let offset = self.offset { text += ": at byte offset \(offset)" }
        return text + ": " + self.detail
    }

    /// The same error, naming `path`.
    func inFile(_ path: String) -> WebSocketTraceError {
        var error = self
        error.path = path
        return error
    }
}
