/// Reads bits MSB-first from an H.264 RBSP (emulation-prevention bytes already removed), with Exp-Golomb codes.
struct BitReader {
    private let bytes: [UInt8]
    private var bitIndex = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// Removes `00 00 03` emulation-prevention bytes from a NAL unit payload.
    static func rbsp(fromNAL nal: some Collection<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(nal.count)
        var zeros = 0
        for byte in nal {
            if zeros >= 2 && byte == 3 {
                zeros = 0
                continue
            }
            zeros = byte == 0 ? zeros + 1 : 0
            out.append(byte)
        }
        return out
    }

    mutating func bit() throws(LiveMediaError) -> UInt32 {
        guard self.bitIndex < self.bytes.count * 8 else {
            throw .malformedFLV(offset: 0, reason: "truncated parameter set")
        }
        let value = (self.bytes[self.bitIndex / 8] >> (7 - UInt8(self.bitIndex % 8))) & 1
        self.bitIndex += 1
        return UInt32(value)
    }

    mutating func bits(_ count: Int) throws(LiveMediaError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<count { value = value << 1 | (try self.bit()) }
        return value
    }

    /// Unsigned Exp-Golomb.
    mutating func ue() throws(LiveMediaError) -> UInt32 {
        var leadingZeros = 0
        while try self.bit() == 0 {
            leadingZeros += 1
            guard leadingZeros < 32 else { throw .malformedFLV(offset: 0, reason: "invalid Exp-Golomb code") }
        }
        return (1 << leadingZeros) - 1 + (try self.bits(leadingZeros))
    }

    /// Signed Exp-Golomb.
    mutating func se() throws(LiveMediaError) -> Int32 {
        let code = try self.ue()
        return code % 2 == 1 ? Int32((code + 1) / 2) : -Int32(code / 2)
    }
}
