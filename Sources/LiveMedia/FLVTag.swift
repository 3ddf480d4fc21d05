/// One FLV tag: its type, timestamp and body, as read from the wire.
public struct FLVTag: Sendable, Equatable {
    /// FLV tag types.
    public enum Kind: UInt8, Sendable {
        case audio = 8
        case video = 9
        case script = 18
    }

    /// What the tag carries.
    public var kind: Kind
    /// Decode timestamp in milliseconds (24 bits plus the extension byte).
    public var timestamp: UInt32
    /// The tag body.
    public var body: [UInt8]
    /// Byte offset of the tag header in the stream (0 when unknown), for error messages.
    public var offset: Int64

    /// Creates a tag.
    public init(kind: Kind, timestamp: UInt32, body: [UInt8], offset: Int64 = 0) {
        self.kind = kind
        self.timestamp = timestamp
        self.body = body
        self.offset = offset
    }
}
