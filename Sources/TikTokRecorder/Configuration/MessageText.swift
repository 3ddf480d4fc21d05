import Foundation

/// Helpers that make user-written text safe to show inside an error message or a log line.
enum MessageText {
    /// `text` in backticks, with control, bidirectional and invisible characters written as `\u{…}` escapes and
    /// anything past `limit` characters cut off with `…`, so a hostile value cannot rewrite the terminal line.
    static func quoted(_ text: String, limit: Int = 60) -> String {
        var shown = ""
        for (index, character) in text.enumerated() {
            if index == limit {
                shown += "…"
                break
            }
            for scalar in character.unicodeScalars {
                let properties = scalar.properties
                let isHidden =
                    properties.generalCategory == .control || properties.generalCategory == .format
                    || properties.isDefaultIgnorableCodePoint || (properties.isWhitespace && scalar != " ")
                if isHidden {
                    shown += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
                } else {
                    shown.unicodeScalars.append(scalar)
                }
            }
        }
        return "`\(shown)`"
    }

    /// `url` with any `user:password@` credentials replaced by `<redacted>@`.
    static func redactingCredentials(_ url: String) -> String {
        let authorityStart = url.range(of: "://")?.upperBound ?? url.startIndex
        let authorityEnd = url[authorityStart...].firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? url.endIndex
        guard let at = url[authorityStart..<authorityEnd].lastIndex(of: "@") else { return url }
        return String(url[..<authorityStart]) + "<redacted>" + String(url[at...])
    }
}
