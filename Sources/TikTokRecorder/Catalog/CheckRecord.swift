import Foundation

/// One check of a creator (was the creator live?), kept in a bounded history per creator.
public struct CheckRecord: Sendable, Equatable, Codable {
    /// The creator checked (matched without regard to case).
    public var creator: String
    /// When the check finished.
    public var at: Date
    /// What it found, e.g. "live", "offline", "failed".
    public var outcome: String
    /// More about the outcome (an error message), if any.
    public var detail: String?
    /// How long the check took.
    public var milliseconds: Int

    /// Creates a check record.
    public init(creator: String, at: Date, outcome: String, detail: String? = nil, milliseconds: Int) {
        self.creator = creator
        self.at = at
        self.outcome = outcome
        self.detail = detail
        self.milliseconds = milliseconds
    }
}
