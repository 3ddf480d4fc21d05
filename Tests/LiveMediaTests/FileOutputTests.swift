import CLibAV
import Foundation
import Testing

@testable import LiveMedia

/// The file behind the MP4 writer: what its errors say and what a full disk leaves.
@Suite struct FileOutputTests {
    @Test func aMissingDirectoryIsNamedWithTheReason() throws {
        let path = "/nonexistent-\(UUID().uuidString)/recording.mp4"
        let error = try #require(throws: LiveMediaError.self) { try FileOutput(path: path) }
        #expect(error.description.contains("creating \(path)"))
        #expect(error.description.contains("No such file or directory"))
    }

    @Test func errnoBecomesAMessageThatSaysWhatToDo() {
        let full = FileOutput.error(ENOSPC, "writing /data/x.mp4").description
        #expect(full.contains("writing /data/x.mp4") && full.contains("the disk is full") && full.contains("free space"))
        let quota = FileOutput.error(EDQUOT, "writing /data/x.mp4").description
        #expect(quota.contains("the disk is full (EDQUOT)"))
        #expect(FileOutput.error(EACCES, "creating /x.mp4").description.contains("Permission denied"))
    }

    @Test func aWriteBeyondTheByteLimitFailsAsAFullDiskAndIsRefusedAfterwards() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("limited.mp4")
        let output = try FileOutput(path: path)
        output.byteLimit = 10
        let context = try #require(output.context)
        let bytes = [UInt8](repeating: 7, count: 16)
        avioWrite(context, bytes)
        output.flush()
        let failure = try #require(output.failure)
        #expect(failure.description.contains(path) && failure.description.contains("disk is full"))
        // Nothing marked a fragment yet, so the file is cut back to empty rather than left half-written.
        #expect(output.bytesWritten == 0)
        #expect(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int64 == 0)
        #expect(throws: failure) { try output.sync() }
        output.close()
        output.close()
    }

    private func avioWrite(_ context: UnsafeMutablePointer<AVIOContext>, _ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { avio_write(context, $0.baseAddress, Int32($0.count)) }
    }
}
