import Foundation
import Testing

@testable import LiveMedia

@Suite struct FLVTagParserTests {
    func parseAll(_ bytes: [UInt8], chunkSize: Int) throws -> [FLVTag] {
        var parser = FLVTagParser()
        var tags: [FLVTag] = []
        var index = 0
        while index < bytes.count {
            let end = min(index + chunkSize, bytes.count)
            tags += try bytes[index..<end].withUnsafeBytes { try parser.push($0) }
            index = end
        }
        return tags
    }

    @Test(arguments: [1, 7, 4096])
    func tagsSurviveAnyChunking(chunkSize: Int) throws {
        let written: [FLVTag] = [
            FLVTag(kind: .script, timestamp: 0, body: Array("onMetaData".utf8)),
            FLVTag(kind: .video, timestamp: 0, body: [0x17, 0, 0, 0, 0, 1, 2, 3]),
            FLVTag(kind: .audio, timestamp: 23, body: [0xAF, 1, 9, 9]),
            // A timestamp above 2^24 ms uses the extension byte.
            FLVTag(kind: .video, timestamp: 0x0123_4567, body: [UInt8](repeating: 7, count: 70_000)),
        ]
        let bytes = FLVTagWriter.fileHeader + written.flatMap { FLVTagWriter.tag(kind: $0.kind, timestamp: $0.timestamp, body: $0.body) }
        let parsed = try self.parseAll(bytes, chunkSize: chunkSize)
        #expect(parsed.map { FLVTag(kind: $0.kind, timestamp: $0.timestamp, body: $0.body) } == written)
        // Each tag knows where its header starts, for error messages.
        let offsets: [Int64] = [13, 38, 61, 80]  // header, then 25-, 23- and 19-byte tags
        #expect(parsed.map(\.offset) == offsets)
    }

    @Test func aStreamThatIsNotFLVIsRejectedAtByteZero() throws {
        let html = Array("<html><body>Please wait...</body></html>".utf8)
        #expect(throws: LiveMediaError.malformedFLV(offset: 0, reason: "missing 'FLV' signature (is this an FLV stream?)")) {
            _ = try self.parseAll(html, chunkSize: 4096)
        }
    }

    @Test func anAbsurdTagSizeIsRejectedWithItsOffset() throws {
        // The tag header at byte 13 claims a 16 MiB body, over the 8 MiB limit.
        let bytes = FLVTagWriter.fileHeader + [9, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0, 0, 0, 0]
        do {
            _ = try self.parseAll(bytes, chunkSize: 4096)
            Issue.record("an oversize tag was accepted")
        } catch {
            guard case LiveMediaError.malformedFLV(let offset, _)? = error as? LiveMediaError else { throw error }
            #expect(offset == 14)
        }
    }

    @Test func randomBytesNeverCrashTheParserOrDemuxer() throws {
        var generator = SystemRandomNumberGenerator()
        let demuxer = FLVDemuxer()
        for _ in 0..<200 {
            var bytes = FLVTagWriter.fileHeader
            bytes += (0..<Int.random(in: 0..<2000, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            var parser = FLVTagParser()
            do {
                for tag in try bytes.withUnsafeBytes({ try parser.push($0) }) { _ = try? demuxer.demux(tag) }
                #expect(parser.offset <= Int64(bytes.count))
            } catch {
                // A rejection must point inside the bytes actually received, past the valid file header.
                guard case LiveMediaError.malformedFLV(let offset, _)? = error as? LiveMediaError else {
                    Issue.record("unexpected error \(error)")
                    continue
                }
                #expect(offset >= 13 && offset < Int64(bytes.count), "offset \(offset) of \(bytes.count) bytes")
            }
        }
    }
}
