import Foundation

/// A value that breaks a rule; the message names the key (its `label`) and says how to fix it. The reader locates it
/// at a line of the file, the environment overrides at a variable.
struct ValueProblem: Error {
    let message: String
}

/// The rules of every configuration value, shared by the file and the environment overrides. Each takes the text as
/// written and the label to name it by (`watch.interval`), and returns the value or throws a ``ValueProblem``.
enum ConfigurationValueRules {
    /// A duration of at least `minimum` seconds.
    static func duration(_ text: String, _ label: String, minimum: Double) throws -> Double {
        guard let seconds = ConfigurationValueParser.duration(text) else {
            throw ValueProblem(
                message: "\(label) must be a duration: \(ConfigurationValueParser.durationSyntax); not \(MessageText.quoted(text))")
        }
        guard seconds >= minimum else {
            throw ValueProblem(message: "\(label) must be at least \(Self.seconds(minimum)), not \(Self.seconds(seconds))")
        }
        return seconds
    }

    /// A size in bytes of at least `minimum`.
    static func size(_ text: String, _ label: String, minimum: Int64) throws -> Int64 {
        guard let bytes = ConfigurationValueParser.byteSize(text) else {
            throw ValueProblem(message: "\(label) must be a size: \(ConfigurationValueParser.sizeSyntax); not \(MessageText.quoted(text))")
        }
        guard bytes >= minimum else { throw ValueProblem(message: "\(label) must be at least \(minimum) bytes, not \(bytes)") }
        return bytes
    }

    /// A whole number in `range`.
    static func count(_ text: String, _ label: String, range: ClosedRange<Int>) throws -> Int {
        guard let value = Int(text.trimmingSpaces()), range.contains(value) else {
            throw ValueProblem(
                message: "\(label) must be a whole number from \(range.lowerBound) to \(range.upperBound), not \(MessageText.quoted(text))")
        }
        return value
    }

    /// `true`/`false` (also `yes`/`no`, `on`/`off`).
    static func flag(_ text: String, _ label: String) throws -> Bool {
        switch text.trimmingSpaces().lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw ValueProblem(message: "\(label) must be true or false, not \(MessageText.quoted(text))")
        }
    }

    /// One of the raw values of `Choice`.
    static func choice<Choice: RawRepresentable & CaseIterable>(_ text: String, _ label: String, as type: Choice.Type) throws -> Choice
    where Choice.RawValue == String {
        if let choice = Choice(rawValue: text.trimmingSpaces()) { return choice }
        let names = Choice.allCases.map(\.rawValue).joined(separator: " | ")
        throw ValueProblem(message: "\(label) must be \(names), not \(MessageText.quoted(text))")
    }

    /// An absolute URL with one of `schemes` and a host; credentials are never echoed back.
    static func url(_ text: String, _ label: String, schemes: [String], example: String) throws -> String {
        let trimmed = text.trimmingSpaces()
        let shown = MessageText.quoted(MessageText.redactingCredentials(trimmed))
        guard let url = URL(string: trimmed), let scheme = url.scheme?.lowercased(), schemes.contains(scheme),
            let host = url.host, !host.isEmpty, !trimmed.contains(" ")
        else {
            let allowed = schemes.map { "\($0)://" }.joined(separator: ", ")
            throw ValueProblem(message: "\(label) must be a URL starting with \(allowed) and naming a host (e.g. \(example)), not \(shown)")
        }
        return trimmed
    }

    /// A `host:port` address, or `nil` for `off`.
    static func listen(_ text: String, _ label: String) throws -> ListenAddress? {
        if text.trimmingSpaces().lowercased() == "off" { return nil }
        guard let address = ListenAddress(parsing: text) else {
            throw ValueProblem(
                message: "\(label) must be host:port (127.0.0.1:8090, [::1]:8090, 0.0.0.0:8090) or off, not \(MessageText.quoted(text))")
        }
        return address
    }

    /// A file or folder path: not empty, no control characters.
    static func path(_ text: String, _ label: String) throws -> String {
        guard !text.trimmingSpaces().isEmpty else { throw ValueProblem(message: "\(label) must not be empty; write a folder or file path") }
        guard !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw ValueProblem(message: "\(label) must not contain control characters (\(MessageText.quoted(text)))")
        }
        return text
    }

    /// Free text on one line, not empty.
    static func line(_ text: String, _ label: String) throws -> String {
        let trimmed = text.trimmingSpaces()
        guard !trimmed.isEmpty, !trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw ValueProblem(message: "\(label) must be one line of text, not \(MessageText.quoted(text))")
        }
        return trimmed
    }

    /// `best` or a quality name TikTok lists: 1–32 letters, digits, `_` and `-`.
    static func quality(_ text: String, _ label: String) throws -> String {
        let trimmed = text.trimmingSpaces()
        let isName =
            (1...32).contains(trimmed.count) && trimmed.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }
        guard isName else {
            throw ValueProblem(
                message:
                    "\(label) must be best or a quality name TikTok lists (origin, uhd, hd, sd, ld, …), not \(MessageText.quoted(text))")
        }
        return trimmed
    }

    /// `12 s`, `1.5 s`.
    static func seconds(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? "\(Int(value)) s" : "\(value) s"
    }
}
