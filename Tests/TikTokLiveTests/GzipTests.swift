import Foundation
import Testing

@testable import TikTokLive

@Suite struct GzipTests {
    @Test func roundTripsAndRejectsTruncatedData() throws {
        let text = Data(String(repeating: "tiktok live chat 🎉 ", count: 500).utf8)
        let compressed = Gzip.compress(text)
        #expect(Gzip.isCompressed(compressed))
        #expect(compressed.count < text.count)
        #expect(try Gzip.decompress(compressed) == text)
        #expect(throws: GzipError.self) { try Gzip.decompress(compressed.prefix(compressed.count / 2)) }
        #expect(throws: GzipError.self) { try Gzip.decompress(Data([0x1F, 0x8B, 0x08, 0, 1, 2, 3])) }
    }

    @Test func refusesToInflatePastTheLimit() throws {
        let bomb = Gzip.compress(Data(repeating: 0, count: 1 << 20))
        #expect(throws: GzipError.self) { try Gzip.decompress(bomb, limit: 1 << 16) }
    }
}
