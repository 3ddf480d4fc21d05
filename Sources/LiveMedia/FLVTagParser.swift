/// An incremental FLV parser: feed it bytes as they arrive, get whole tags back.
///
/// Keeps at most one partial tag buffered. Rejects absurd tag sizes and unknown tag types with
/// ``LiveMediaError/malformedFLV(offset:reason:)`` naming the byte offset, so hostile input cannot make it
/// allocate without bound.
public struct FLVTagParser: Sendable {
    /// The largest tag body accepted (8 MiB; even 1080p keyframes stay well under 4 MiB).
    public static let maximumTagSize = 8 << 20

    private var buffer: [UInt8] = []
    private var readIndex = 0
    private var headerParsed = false
    /// Bytes consumed so far, for error offsets.
    public private(set) var offset: Int64 = 0

    /// Creates a parser that expects the 9-byte FLV header first.
    public init() {}

    /// Appends `bytes` and returns every tag completed by them.
    /// - Throws: ``LiveMediaError/malformedFLV(offset:reason:)`` when the stream is not FLV.
    public mutating func push(_ bytes: UnsafeRawBufferPointer) throws(LiveMediaError) -> [FLVTag] {
        self.buffer.append(contentsOf: bytes)
        var tags: [FLVTag] = []
        while true {
            let available = self.buffer.count - self.readIndex
            if !self.headerParsed {
                guard available >= 13 else { break }
                let start = self.readIndex
                guard self.buffer[start] == 0x46, self.buffer[start + 1] == 0x4C, self.buffer[start + 2] == 0x56 else {
                    throw .malformedFLV(offset: self.offset, reason: "missing 'FLV' signature (is this an FLV stream?)")
                }
                let headerSize = Int(self.readUInt32(at: start + 5))
                guard headerSize >= 9, headerSize <= 64 else {
                    throw .malformedFLV(offset: self.offset + 5, reason: "header size \(headerSize) is not 9")
                }
                guard available >= headerSize + 4 else { break }
                self.consume(headerSize + 4)  // header + PreviousTagSize0
                self.headerParsed = true
                continue
            }
            guard available >= 11 else { break }
            let start = self.readIndex
            let typeByte = self.buffer[start] & 0x1F
            guard let kind = FLVTag.Kind(rawValue: typeByte) else {
                throw .malformedFLV(offset: self.offset, reason: "unknown tag type \(typeByte)")
            }
            guard self.buffer[start] & 0x20 == 0 else {
                throw .malformedFLV(offset: self.offset, reason: "encrypted FLV tags are not supported")
            }
            let size = Int(self.buffer[start + 1]) << 16 | Int(self.buffer[start + 2]) << 8 | Int(self.buffer[start + 3])
            guard size <= Self.maximumTagSize else {
                throw .malformedFLV(offset: self.offset + 1, reason: "tag size \(size) exceeds \(Self.maximumTagSize) bytes")
            }
            guard available >= 11 + size + 4 else { break }
            let timestamp =
                UInt32(self.buffer[start + 7]) << 24 | UInt32(self.buffer[start + 4]) << 16
                | UInt32(self.buffer[start + 5]) << 8 | UInt32(self.buffer[start + 6])
            let body = Array(self.buffer[(start + 11)..<(start + 11 + size)])
            let tagOffset = self.offset
            self.consume(11 + size + 4)
            tags.append(FLVTag(kind: kind, timestamp: timestamp, body: body, offset: tagOffset))
        }
        self.compact()
        return tags
    }

    private func readUInt32(at index: Int) -> UInt32 {
        UInt32(self.buffer[index]) << 24 | UInt32(self.buffer[index + 1]) << 16 | UInt32(self.buffer[index + 2]) << 8
            | UInt32(self.buffer[index + 3])
    }

    private mutating func consume(_ count: Int) {
        self.readIndex += count
        self.offset += Int64(count)
    }

    /// Drops consumed bytes once they dominate the buffer (amortised O(1) per byte).
    private mutating func compact() {
        if self.readIndex == self.buffer.count {
            self.buffer.removeAll(keepingCapacity: true)
            self.readIndex = 0
        } else if self.readIndex > 1 << 16, self.readIndex * 2 > self.buffer.count {
            self.buffer.removeSubrange(0..<self.readIndex)
            self.readIndex = 0
        }
    }
}
