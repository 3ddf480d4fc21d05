/// A scenario file that cannot be played: which file, which line, what is wrong and how to fix it.
public struct ScenarioFileError: Error, CustomStringConvertible, Equatable {
    /// The file (as given).
    public var file: String
    /// The 1-based line, when the problem has one.
    public var line: Int?
    /// What is wrong.
    public var message: String

    /// Creates an error.
    public init(file: String, line: Int?, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    /// `file:line: message`.
    public var description: String {
        if let line { return "\(self.file):\(line): \(self.message)" }
        return "\(self.file): \(self.message)"
    }
}
