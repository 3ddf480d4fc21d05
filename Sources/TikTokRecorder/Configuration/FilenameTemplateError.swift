/// Why a ``FilenameTemplate`` could not be parsed. Each case carries what the user wrote; ``description`` says what is
/// wrong and how to fix it.
public enum FilenameTemplateError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The template is empty or only spaces.
    case empty
    /// A `{name}` that is not one of ``FilenameTemplate/Token``.
    case unknownToken(String)
    /// A `{` without its `}`, a `}` without its `{`, or a `{` inside a token (the whole template is attached).
    case unbalancedBrace(String)
    /// A `/` or `\` in the literal text (the whole template is attached).
    case pathSeparator(String)
    /// A `..` in the literal text (the whole template is attached).
    case parentReference(String)

    /// The tokens a template may use, as they are written.
    static var tokenList: String { FilenameTemplate.Token.allCases.map { "{\($0.rawValue)}" }.joined(separator: " ") }

    /// What is wrong and how to fix it.
    public var description: String {
        switch self {
        case .empty:
            "the template is empty; write a name such as \"{creator}_{date}_{time}_{roomid}\""
        case .unknownToken(let name):
            "unknown token {\(name)}; the tokens are \(Self.tokenList) (lowercase)"
        case .unbalancedBrace(let template):
            "unbalanced braces in \"\(template)\"; every { needs its } around one of \(Self.tokenList)"
        case .pathSeparator(let template):
            "\"\(template)\" contains / or \\; a template names one file or folder, not a path"
        case .parentReference(let template):
            "\"\(template)\" contains ..; a template names one file or folder inside the output folder"
        }
    }
}
