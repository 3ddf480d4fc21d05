/// A configuration problem, located where the user can fix it: a line of the configuration file, the file as a
/// whole, or an environment variable.
///
/// ``description`` is `FILE:LINE: message`, `FILE: message` without a line, or `VARIABLE: message` for a value that
/// came from the environment (then ``file`` holds the variable's name and ``line`` is `nil`). The message names the
/// key, what is wrong and how to fix it, and never contains a secret value.
public struct ConfigurationError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The configuration file's path, the secrets file's path, or the environment variable the value came from.
    public var file: String
    /// The 1-based line of the offending key or value, or `nil` when the problem has no line.
    public var line: Int?
    /// What is wrong and how to fix it.
    public var message: String

    /// Creates an error located at `file` (and `line`, when known).
    public init(file: String, line: Int?, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    /// `FILE:LINE: message`, or `FILE: message` when there is no line.
    public var description: String {
        if let line = self.line { return "\(self.file):\(line): \(self.message)" }
        return "\(self.file): \(self.message)"
    }
}
