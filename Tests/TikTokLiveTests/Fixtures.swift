import Foundation
import Testing

/// The real TikTok payloads in `../shared/tiktok-fixtures`, read at test time (never copied into the repo).
///
/// With `CI=true` a missing folder fails the tests that need it; elsewhere those tests are skipped with a message.
enum Fixtures {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
        .appendingPathComponent("shared/tiktok-fixtures")

    static var isAvailable: Bool { FileManager.default.fileExists(atPath: directory.path) }
    static var isCI: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }
    /// Tests run when the fixtures exist, and always in CI (where a missing folder must fail).
    static var shouldRun: Bool { isAvailable || isCI }
    static let skipMessage: Comment = "../shared/tiktok-fixtures is missing; real-payload tests skipped (they fail in CI)"

    static func data(_ relativePath: String) throws -> Data {
        let url = directory.appendingPathComponent(relativePath)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw FixtureMissing(path: url.path)
        }
        return try Data(contentsOf: url)
    }

    struct FixtureMissing: Error, CustomStringConvertible {
        let path: String
        var description: String { "fixture \(path) is missing: check out the shared/ folder next to the repository" }
    }
}
