import Foundation
import Testing

@testable import TikTokRecorder

/// Temporary folders, catalogs that are always closed, and a virtual clock for the catalog tests.
enum CatalogTestSupport {
    /// A fixed instant: 2026-11-23 20:50:00 UTC.
    static let t0 = Date(timeIntervalSince1970: 1_795_467_000)

    /// `t0` plus `seconds`.
    static func at(_ seconds: Double) -> Date {
        self.t0.addingTimeInterval(seconds)
    }

    /// Runs `body` with a new empty folder that is removed afterwards.
    static func withTemporaryFolder<Result>(_ body: (URL) async throws -> Result) async throws -> Result {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("catalog-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        return try await body(folder)
    }

    /// Runs `body` with the catalog at `path` (given migrations, else the real ones), closing it even on failure.
    static func withCatalog<Result>(
        _ path: String, migrations: [CatalogMigration] = CatalogSchema.migrations, now: Date = Date(),
        _ body: (SQLiteCatalog) async throws -> Result
    ) async throws -> Result {
        let catalog = try await SQLiteCatalog.open(path: path, migrations: migrations, now: now)
        do {
            let result = try await body(catalog)
            try await catalog.close()
            return result
        } catch {
            try? await catalog.close()
            throw error
        }
    }

    /// A finished part's result with the given figures.
    static func result(
        endedAt: Date, reason: String = "streamEnded", files: [String], mediaSeconds: Double, bytes: Int64, events: Int,
        diamonds: Int64 = 0, error: String? = nil
    ) -> PartResult {
        PartResult(
            endedAt: endedAt, endReason: reason, files: files, mediaSeconds: mediaSeconds, bytes: bytes, events: events,
            diamonds: diamonds, chatGaps: 1, error: error
        )
    }
}
