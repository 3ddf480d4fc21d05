import Foundation

/// One creator of the `creators:` list, with the `defaults:` merged into its options.
public struct CreatorEntry: Sendable, Equatable {
    /// The TikTok username, without `@`: 2–24 letters, digits, `_` and `.`.
    public var username: String
    /// This creator's own gap between live checks, or `nil` for `watch.interval`.
    public var interval: TimeInterval?
    /// Whether the creator is watched; `true` unless the file says `enabled: false`.
    public var enabled: Bool
    /// The recording options: the defaults, overridden by what this entry sets.
    public var options: CreatorOptions
    /// The line of the entry in the configuration file, or `nil` when it was made in code.
    public var line: Int?

    /// Creates an entry.
    public init(
        username: String, interval: TimeInterval? = nil, enabled: Bool = true, options: CreatorOptions = CreatorOptions(), line: Int? = nil
    ) {
        self.username = username
        self.interval = interval
        self.enabled = enabled
        self.options = options
        self.line = line
    }

    /// Whether `text` is a valid TikTok username: 2–24 ASCII letters, digits, `_` and `.`.
    public static func isValidUsername(_ text: String) -> Bool {
        (2...24).contains(text.count) && text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == ".") }
    }
}
