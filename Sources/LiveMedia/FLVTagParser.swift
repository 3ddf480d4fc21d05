/// An incremental FLV parser: feed it bytes as they arrive, get whole tags back.
///
/// Keeps at most one partial tag buffered. Rejects absurd tag sizes and unknown tag types with
/// ``LiveMediaError/malformedFLV(offset:reason:)`` naming the byte offset, so hostile input cannot make it
/// allocate without bound.
public struct FLVTagParser: Sendable {
    /// The largest tag body accepted (8 MiB; even 1080p keyframes stay well under 4 MiB).
    public static let maximumTagSize = 8 << 20

    /// The start of a unit (file header or tag) whose end has not arrived yet.
    private var pending: [UInt8] = []
    private var headerParsed = false
    /// Bytes consumed so far, for error offsets.
    public private(set) var offset: Int64 = 0

    /// Creates a parser that expects the 9-byte FLV header first.
    public init() {}

    /// Returns every tag completed by `bytes`.
    ///
    /// Whole tags are cut straight out of `bytes` (one copy, into the tag's body); only the unfinished tag at the
    /// end is kept for the next call.
    /// - Throws: ``LiveMediaError/malformedFLV(offset:reason:)`` when the stream is not FLV.
    public mutating func push(_ bytes: UnsafeRawBufferPointer) throws(LiveMediaError) -> [FLVTag] {
        var tags: [FLVTag] = []
        var rest = bytes
        if !self.pending.isEmpty {
            // Complete the unit begun in an earlier call, taking only the bytes it still needs.
            while true {
                let checked = self.pending.withUnsafeBytes { unit in
                    Result { () throws(LiveMediaError) -> Int? in try self.unitLength(unit) }
                }
                let length = try checked.get()
                let wanted = (length ?? Self.longestUnitPrefix) - self.pending.count
                let taken = min(max(wanted, 0), rest.count)
                self.pending.append(contentsOf: UnsafeRawBufferPointer(rebasing: rest[rest.startIndex..<(rest.startIndex + taken)]))
                rest = UnsafeRawBufferPointer(rebasing: rest[(rest.startIndex + taken)...])
                guard let length, self.pending.count == length else {
                    if rest.isEmpty { return tags }
                    continue
                }
                if let tag = self.pending.withUnsafeBytes({ self.takeUnit($0) }) { tags.append(tag) }
                self.pending.removeAll(keepingCapacity: true)
                break
            }
        }
        while let length = try self.unitLength(rest), length <= rest.count {
            if let tag = self.takeUnit(UnsafeRawBufferPointer(rebasing: rest[rest.startIndex..<(rest.startIndex + length)])) {
                tags.append(tag)
            }
            rest = UnsafeRawBufferPointer(rebasing: rest[(rest.startIndex + length)...])
        }
        self.pending.append(contentsOf: rest)
        return tags
    }

    /// Bytes needed to know any unit's length (a tag header).
    private static let longestUnitPrefix = 11

    /// The length of the unit starting at `unit` (file header plus `PreviousTagSize0`, or tag plus its trailing
    /// size), after checking its header; `nil` when too few bytes are there to tell.
    private func unitLength(_ unit: UnsafeRawBufferPointer) throws(LiveMediaError) -> Int? {
        if !self.headerParsed {
            guard unit.count >= 9 else { return nil }
            guard unit[0] == 0x46, unit[1] == 0x4C, unit[2] == 0x56 else {
                throw .malformedFLV(offset: self.offset, reason: "missing 'FLV' signature (is this an FLV stream?)")
            }
            let headerSize = Int(unit[5]) << 24 | Int(unit[6]) << 16 | Int(unit[7]) << 8 | Int(unit[8])
            guard headerSize >= 9, headerSize <= 64 else {
                throw .malformedFLV(offset: self.offset + 5, reason: "header size \(headerSize) is not 9")
            }
            return headerSize + 4
        }
        guard unit.count >= 11 else { return nil }
        let typeByte = unit[0] & 0x1F
        guard FLVTag.Kind(rawValue: typeByte) != nil else {
            throw .malformedFLV(offset: self.offset, reason: "unknown tag type \(typeByte)")
        }
        guard unit[0] & 0x20 == 0 else {
            throw .malformedFLV(offset: self.offset, reason: "encrypted FLV tags are not supported")
        }
        let size = Int(unit[1]) << 16 | Int(unit[2]) << 8 | Int(unit[3])
        guard size <= Self.maximumTagSize else {
            throw .malformedFLV(offset: self.offset + 1, reason: "tag size \(size) exceeds \(Self.maximumTagSize) bytes")
        }
        return 11 + size + 4
    }

    /// Consumes one whole unit (exactly ``unitLength(_:)`` bytes, already checked): the file header gives `nil`.
    private mutating func takeUnit(_ unit: UnsafeRawBufferPointer) -> FLVTag? {
        let unitOffset = self.offset
        self.offset += Int64(unit.count)
        guard self.headerParsed else {
            self.headerParsed = true
            return nil
        }
        let size = unit.count - 15
        let timestamp = UInt32(unit[7]) << 24 | UInt32(unit[4]) << 16 | UInt32(unit[5]) << 8 | UInt32(unit[6])
        let body = [UInt8](UnsafeRawBufferPointer(rebasing: unit[11..<(11 + size)]))
        return FLVTag(kind: FLVTag.Kind(rawValue: unit[0] & 0x1F)!, timestamp: timestamp, body: body, offset: unitOffset)
    }
}
