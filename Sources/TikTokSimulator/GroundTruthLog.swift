import Foundation
import Synchronization

/// The JSONL file behind ``GroundTruth``: one JSON object per line, appended and written out (one `write(2)`)
/// as soon as it is recorded, so a reader sees every line the moment it is complete.
///
/// Owns the file handle for its lifetime. Each append encodes the line and writes it under a lock; it blocks the
/// caller only for one small local write.
final class GroundTruthLog: Sendable {
    /// The file being appended to.
    let path: String
    private let handle: Mutex<FileHandle?>

    /// Opens `path` for appending, creating it when missing; existing lines are kept.
    /// - Throws: ``GroundTruthLogError`` naming the path when it cannot be created or opened.
    init(path: String) throws {
        self.path = path
        if !FileManager.default.fileExists(atPath: path) {
            guard FileManager.default.createFile(atPath: path, contents: nil) else {
                throw GroundTruthLogError(path: path, reason: "cannot create the file; check that the folder exists and is writable")
            }
        }
        guard let handle = FileHandle(forWritingAtPath: path) else {
            throw GroundTruthLogError(path: path, reason: "cannot open the file for writing; check its permissions")
        }
        _ = try? handle.seekToEnd()
        self.handle = Mutex(handle)
    }

    /// Appends one record: `t` (wall clock, Unix ms) and `kind`, then `fields`. Values must be JSON-compatible.
    /// A record that cannot be written is dropped: the simulator must keep serving whatever happens to its log.
    func append(kind: String, _ fields: [String: Any]) {
        var object = fields
        object["t"] = Int64(Date().timeIntervalSince1970 * 1000)
        object["kind"] = kind
        guard var line = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        else { return }
        line.append(0x0A)
        self.handle.withLock { handle in
            try? handle?.write(contentsOf: line)
        }
    }

    /// Closes the file; later appends are ignored.
    func close() {
        self.handle.withLock { handle in
            try? handle?.close()
            handle = nil
        }
    }

    deinit { self.close() }
}

/// The ground-truth log file could not be opened.
public struct GroundTruthLogError: Error, CustomStringConvertible {
    /// The file asked for.
    public var path: String
    /// What went wrong and how to fix it.
    public var reason: String

    /// A one-line message naming the file.
    public var description: String { "ground-truth log \(self.path): \(self.reason)" }
}
