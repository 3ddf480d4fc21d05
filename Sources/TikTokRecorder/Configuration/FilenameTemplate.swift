import Foundation

/// A file or folder name template. Tokens: {creator} {date} (UTC yyyy-MM-dd) {time} (UTC HH-mm-ss) {roomid}
/// {title} {part}. Unknown tokens are an error at parse time.
///
/// The template owns its parsed pieces; ``render(creator:start:roomID:title:part:)`` always returns one safe name
/// (see ``FilenameSanitizer``), whatever the creator, room id or title contain.
public struct FilenameTemplate: Sendable, Equatable, CustomStringConvertible {
    /// A value a template can insert.
    public enum Token: String, Sendable, CaseIterable {
        /// The creator's username.
        case creator
        /// The live's start date in UTC, `yyyy-MM-dd`.
        case date
        /// The live's start time in UTC, `HH-mm-ss`.
        case time
        /// TikTok's room id of the live.
        case roomid
        /// The live's title.
        case title
        /// The part number of the session (1 for the first part).
        case part
    }

    /// One piece of a template: literal text or a token.
    enum Piece: Sendable, Equatable {
        case literal(String)
        case token(Token)
    }

    /// The most characters one token contributes.
    public static let maximumTokenCharacters = 80
    /// The most UTF-8 bytes of a rendered name (an extension such as `.chat.jsonl` is added after it).
    public static let maximumNameBytes = 180

    /// The template as written, e.g. `{creator}_{date}_{time}_{roomid}`.
    public private(set) var text: String
    /// The parsed pieces of ``text``.
    let pieces: [Piece]

    /// Parses `text`.
    /// - Throws: ``FilenameTemplateError`` for an empty template, an unknown token, an unbalanced brace, or a `/`,
    ///   `\` or `..` in the literal text (a template names one file or folder, never a path).
    public init(parsing text: String) throws(FilenameTemplateError) {
        guard !text.trimmingSpaces().isEmpty else { throw .empty }
        var pieces: [Piece] = []
        var literal = ""
        var rest = Substring(text)
        while let character = rest.first {
            switch character {
            case "{":
                guard let close = rest.firstIndex(of: "}") else { throw .unbalancedBrace(text) }
                let name = rest[rest.index(after: rest.startIndex)..<close]
                guard !name.contains("{") else { throw .unbalancedBrace(text) }
                guard let token = Token(rawValue: String(name)) else { throw .unknownToken(String(name)) }
                if !literal.isEmpty { pieces.append(.literal(literal)) }
                literal = ""
                pieces.append(.token(token))
                rest = rest[rest.index(after: close)...]
            case "}":
                throw .unbalancedBrace(text)
            case "/", "\\":
                throw .pathSeparator(text)
            default:
                literal.append(character)
                if literal.hasSuffix("..") { throw .parentReference(text) }
                rest = rest.dropFirst()
            }
        }
        if !literal.isEmpty { pieces.append(.literal(literal)) }
        self.text = text
        self.pieces = pieces
    }

    /// The template as written.
    public var description: String { self.text }

    /// The tokens this template uses, in order.
    public var tokens: [Token] {
        self.pieces.compactMap { piece in
            if case .token(let token) = piece { return token }
            return nil
        }
    }

    /// The name for one recording: every token value sanitised and capped at ``maximumTokenCharacters`` characters,
    /// then the whole name sanitised and capped at ``maximumNameBytes`` UTF-8 bytes; `_` when nothing is left.
    public func render(creator: String, start: Date, roomID: String, title: String, part: Int) -> String {
        let stamp = UTCStamp(start)
        var name = ""
        for piece in self.pieces {
            switch piece {
            case .literal(let literal):
                name += literal
            case .token(let token):
                let value: String
                switch token {
                case .creator: value = creator
                case .date: value = stamp.date
                case .time: value = stamp.time
                case .roomid: value = roomID
                case .title: value = title
                case .part: value = String(part)
                }
                name += FilenameSanitizer.clean(value, maximumCharacters: Self.maximumTokenCharacters)
            }
        }
        return FilenameSanitizer.name(name, maximumUTF8Bytes: Self.maximumNameBytes)
    }
}

/// A moment's UTC date (`yyyy-MM-dd`) and time (`HH-mm-ss`).
private struct UTCStamp {
    let date: String
    let time: String

    init(_ moment: Date) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? TimeZone(secondsFromGMT: 0)!
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: moment)
        func padded(_ value: Int?, _ width: Int) -> String {
            let digits = String(value ?? 0)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        self.date = "\(padded(parts.year, 4))-\(padded(parts.month, 2))-\(padded(parts.day, 2))"
        self.time = "\(padded(parts.hour, 2))-\(padded(parts.minute, 2))-\(padded(parts.second, 2))"
    }
}
