import Foundation

/// Reads the value syntaxes of the configuration file that YAML does not know: durations and byte sizes.
///
/// Both are pure functions returning `nil` for text they do not accept; callers turn that into a located error.
public enum ConfigurationValueParser {
    /// The syntax of a duration, for error messages.
    public static let durationSyntax = "a number of seconds (90, 1.5) or a number with a unit ms, s, m, h (90s, 5m, 1h30m)"
    /// The syntax of a size, for error messages.
    public static let sizeSyntax = "a number of bytes or a number with a unit KB, MB, GB, TB (x1000) or KiB, MiB, GiB, TiB (x1024)"

    /// Seconds from `90`, `1.5`, `90s`, `500ms`, `5m`, `1h30m` or `1h 30m 10s`; `nil` for anything else (including a
    /// unit given twice, a missing unit after the first part, or a value that is not finite). A leading `-` is kept
    /// on a plain number so that range checks can say what is wrong with it.
    public static func duration(_ text: String) -> Double? {
        let trimmed = text.trimmingSpaces()
        if let plain = Double(trimmed) { return plain.isFinite ? plain : nil }
        var rest = Substring(trimmed)
        var total = 0.0
        var usedUnits: Set<String> = []
        while !rest.isEmpty {
            guard let number = Self.takeNumber(&rest) else { return nil }
            let unit = Self.takeLetters(&rest)
            let factor: Double
            switch unit {
            case "ms": factor = 0.001
            case "s": factor = 1
            case "m": factor = 60
            case "h": factor = 3600
            default: return nil
            }
            guard usedUnits.insert(unit).inserted else { return nil }
            total += number * factor
            rest = rest.drop { $0 == " " }
        }
        return usedUnits.isEmpty || !total.isFinite ? nil : total
    }

    /// Bytes from `1048576`, `500MB`, `2GB`, `1.5GiB` or `2 gb` (units are case-insensitive; `B` is bytes); `nil` for
    /// anything else, for negative sizes and for sizes beyond `Int64`.
    public static func byteSize(_ text: String) -> Int64? {
        let trimmed = text.trimmingSpaces()
        if let plain = Int64(trimmed) { return plain >= 0 ? plain : nil }
        var rest = Substring(trimmed)
        guard let number = Self.takeNumber(&rest) else { return nil }
        rest = rest.drop { $0 == " " }
        let unit = Self.takeLetters(&rest).lowercased()
        guard rest.isEmpty else { return nil }
        let factors: [String: Double] = [
            "b": 1, "kb": 1e3, "mb": 1e6, "gb": 1e9, "tb": 1e12,
            "kib": 1024, "mib": 1_048_576, "gib": 1_073_741_824, "tib": 1_099_511_627_776,
        ]
        guard let factor = factors[unit] else { return nil }
        let bytes = (number * factor).rounded()
        guard bytes.isFinite, bytes < 9.2e18 else { return nil }
        return Int64(bytes)
    }

    /// Takes an unsigned decimal number (`12`, `1.5`, `.5`) from the front of `text`.
    private static func takeNumber(_ text: inout Substring) -> Double? {
        let digits = text.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
        guard !digits.isEmpty, digits.filter({ $0 == "." }).count <= 1, let value = Double(digits) else { return nil }
        text = text.dropFirst(digits.count)
        return value
    }

    /// Takes ASCII letters from the front of `text`.
    private static func takeLetters(_ text: inout Substring) -> String {
        let letters = text.prefix { $0.isASCII && $0.isLetter }
        text = text.dropFirst(letters.count)
        return String(letters)
    }
}

extension String {
    /// The text without leading and trailing spaces and tabs.
    func trimmingSpaces() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        return String(self.drop(while: isSpace).reversed().drop(while: isSpace).reversed())
    }
}
