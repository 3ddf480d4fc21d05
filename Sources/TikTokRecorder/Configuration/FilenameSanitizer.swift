/// Makes any text safe as one file or folder name on Linux, macOS and Windows.
///
/// The result never contains `/`, `\`, NUL or other control characters (C0, C1, DEL), never `..`, never starts or
/// ends with a dot or a space, and carries no bidirectional overrides or isolates and no zero-width characters.
/// Characters Windows forbids (`<>:"|?*`) become `_`; runs of whitespace become one space. Emoji (including
/// zero-width-joiner sequences and flags) are kept. Used on every token value of a ``FilenameTemplate`` and on the
/// rendered name.
public enum FilenameSanitizer {
    /// What an empty name becomes.
    public static let emptyName = "_"
    /// The most Unicode scalars kept in one character (a grapheme), so that a stack of thousands of combining marks
    /// cannot make one character larger than a whole name.
    static let maximumScalarsPerCharacter = 16

    /// `text` made safe as one name (or a part of one), at most `maximumCharacters` characters (never splitting a
    /// character) and at most `maximumUTF8Bytes` bytes when given. It may be empty; ``name(_:maximumUTF8Bytes:)``
    /// turns that into `_`.
    public static func clean(_ text: String, maximumCharacters: Int? = nil, maximumUTF8Bytes: Int? = nil) -> String {
        let kept = Self.keptScalars(of: text)
        var characters = Self.collapsed(String(String.UnicodeScalarView(kept)))
        if let limit = maximumCharacters, characters.count > limit {
            characters = Self.collapsed(String(characters.prefix(limit)))
        }
        if let limit = maximumUTF8Bytes, characters.utf8.count > limit {
            characters = Self.collapsed(Self.prefix(of: characters, utf8Bytes: limit))
        }
        return characters
    }

    /// `text` made safe as a whole name of at most `maximumUTF8Bytes` bytes; never empty (`_` instead).
    public static func name(_ text: String, maximumUTF8Bytes: Int) -> String {
        let cleaned = Self.clean(text, maximumUTF8Bytes: maximumUTF8Bytes)
        return cleaned.isEmpty ? Self.emptyName : cleaned
    }

    // MARK: - Scalars

    /// The scalars of `text` that may stay, with separators and forbidden characters replaced.
    private static func keptScalars(of text: String) -> [Unicode.Scalar] {
        let input = Array(text.unicodeScalars)
        var kept: [Unicode.Scalar] = []
        kept.reserveCapacity(input.count)
        for (index, scalar) in input.enumerated() {
            let next = index + 1 < input.count ? input[index + 1] : nil
            if let replacement = Self.replacement(for: scalar, after: kept.last, before: next) {
                kept.append(replacement)
            }
        }
        return kept
    }

    /// What `scalar` becomes: itself, a space, `_`, or nothing (`nil`).
    private static func replacement(
        for scalar: Unicode.Scalar, after previous: Unicode.Scalar?, before next: Unicode.Scalar?
    )
        -> Unicode.Scalar?
    {
        let value = scalar.value
        switch value {
        case 0x09...0x0D, 0x85, 0x2028, 0x2029:
            return " "
        case 0x00...0x1F, 0x7F...0x9F:
            return nil
        case 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069:
            return nil
        case 0x200D:
            return Self.isPictographic(previous) && Self.isPictographic(next) ? scalar : nil
        case 0xFE00...0xFE0F:
            return previous.map { $0 != " " } == true ? scalar : nil
        case 0xE0020...0xE007F:
            return Self.isPictographic(previous) || previous.map({ (0xE0020...0xE007F).contains($0.value) }) == true ? scalar : nil
        default:
            break
        }
        if "/\\<>:\"|?*".unicodeScalars.contains(scalar) { return "_" }
        if scalar.properties.isDefaultIgnorableCodePoint { return nil }
        if scalar.properties.isWhitespace { return " " }
        return scalar
    }

    /// Whether `scalar` is a non-ASCII emoji (digits and `#` are emoji components too, but never joined).
    private static func isPictographic(_ scalar: Unicode.Scalar?) -> Bool {
        guard let scalar, !scalar.isASCII else { return false }
        return scalar.properties.isEmoji
    }

    // MARK: - Characters

    /// `text` with oversized characters trimmed, whitespace runs as one space, dot runs as one dot, and no leading or
    /// trailing spaces or dots.
    private static func collapsed(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for character in text {
            let trimmed = Self.limited(character)
            if trimmed == " " || trimmed == ".", result.last == trimmed { continue }
            result.append(trimmed)
        }
        let isEdge: (Character) -> Bool = { $0 == " " || $0 == "." }
        while let first = result.first, isEdge(first) { result.removeFirst() }
        while let last = result.last, isEdge(last) { result.removeLast() }
        return result
    }

    /// `character`, with at most ``maximumScalarsPerCharacter`` scalars.
    private static func limited(_ character: Character) -> Character {
        let scalars = character.unicodeScalars
        guard scalars.count > Self.maximumScalarsPerCharacter else { return character }
        let view = String.UnicodeScalarView(scalars.prefix(Self.maximumScalarsPerCharacter))
        return String(view).first ?? "_"
    }

    /// The longest prefix of `text` made of whole characters whose UTF-8 form fits in `utf8Bytes`.
    private static func prefix(of text: String, utf8Bytes: Int) -> String {
        var used = 0
        var result = ""
        for character in text {
            let size = character.utf8.count
            guard used + size <= utf8Bytes else { break }
            used += size
            result.append(character)
        }
        return result
    }
}
