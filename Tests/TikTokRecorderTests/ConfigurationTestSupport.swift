import Foundation
import Testing

@testable import TikTokRecorder

/// Shared helpers of the configuration tests.
enum ConfigurationTestSupport {
    static let file = "test.yaml"

    /// Parses `yaml` as `test.yaml`.
    static func parse(_ yaml: String, environment: [String: String] = [:]) throws -> RecorderConfiguration {
        try RecorderConfiguration.parse(yaml: yaml, file: Self.file, environment: environment)
    }

    /// The error `yaml` is refused with, or `nil` when it parses.
    static func error(_ yaml: String, environment: [String: String] = [:]) -> ConfigurationError? {
        do {
            _ = try Self.parse(yaml, environment: environment)
            return nil
        } catch let error as ConfigurationError {
            return error
        } catch {
            Issue.record("unexpected error type: \(error)")
            return nil
        }
    }

    /// Writes `text` to a new file in the temporary folder with `permissions` and returns its path.
    static func temporaryFile(_ text: String, permissions: Int = 0o600) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("config-test-\(UUID().uuidString).env").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: permissions], ofItemAtPath: path)
        return path
    }

    /// Everything `value` shows of itself: its description, its debug description and `dump`.
    static func everyRendering(of value: some Any) -> String {
        var dumped = ""
        dump(value, to: &dumped)
        return [String(describing: value), String(reflecting: value), dumped].joined(separator: "\n")
    }
}
