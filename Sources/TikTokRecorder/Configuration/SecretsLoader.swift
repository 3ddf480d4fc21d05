import Foundation

/// Reads the secrets from `tiktok.secretsFile` and the environment (which wins), with warnings for a secrets file
/// other users can read. Messages name files, lines and variables, never values.
enum SecretsLoader {
    /// The secrets and any warnings.
    /// - Parameters:
    ///   - secretsFile: the path from `tiktok.secretsFile`, or `nil`.
    ///   - origin: where `secretsFile` was written, for the error when the file cannot be read.
    /// - Throws: ``ConfigurationError`` when the file cannot be read or has a line that is not `KEY=VALUE` with a
    ///   known key.
    static func load(
        environment: [String: String], secretsFile: String?, origin: ConfigurationOrigin, configurationFile: String
    )
        throws(ConfigurationError) -> (Secrets, [String])
    {
        var secrets = Secrets()
        var warnings: [String] = []
        if let secretsFile {
            secrets = try Self.readFile(secretsFile, origin: origin, configurationFile: configurationFile)
            if Self.isReadableByOthers(secretsFile) {
                warnings.append(
                    "\(secretsFile): the secrets file can be read by every user of this machine; run `chmod 600 \(secretsFile)`")
            }
        }
        for variable in Secrets.variables {
            if let value = environment[variable], !value.isEmpty { secrets[variable: variable] = value }
        }
        return (secrets, warnings)
    }

    /// The secrets of the `KEY=VALUE` file at `path` (`#` comments, blank lines, optional `export `, optional quotes).
    static func readFile(_ path: String, origin: ConfigurationOrigin, configurationFile: String) throws(ConfigurationError) -> Secrets {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw origin.error(
                "tiktok.secretsFile: cannot read \(path) (\(Self.reason(error))); create it with KEY=VALUE lines such as "
                    + "TIKTOK_SESSIONID=… and `chmod 600` it, or remove `secretsFile:`",
                fallbackFile: configurationFile)
        }
        var secrets = Secrets()
        var seenOnLine: [String: Int] = [:]
        for (index, rawLine) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let lineNumber = index + 1
            var line = String(rawLine).trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("export ") { line = String(line.dropFirst("export ".count)).trimmingSpaces() }
            guard let equals = line.firstIndex(of: "=") else {
                throw ConfigurationError(
                    file: path, line: lineNumber,
                    message:
                        "this line is not KEY=VALUE; write one of \(Secrets.variables.joined(separator: ", ")) followed by = and the value")
            }
            let key = String(line[..<equals]).trimmingSpaces()
            guard Secrets.variables.contains(key) else {
                throw ConfigurationError(
                    file: path, line: lineNumber,
                    message: "unknown key \(MessageText.quoted(key, limit: 40)); allowed: \(Secrets.variables.joined(separator: ", "))")
            }
            if let first = seenOnLine[key] {
                throw ConfigurationError(file: path, line: lineNumber, message: "\(key) is set again (first on line \(first)); keep one")
            }
            seenOnLine[key] = lineNumber
            let value = Self.unquoted(String(line[line.index(after: equals)...]).trimmingSpaces())
            secrets[variable: key] = value.isEmpty ? nil : value
        }
        return secrets
    }

    /// `value` without one pair of surrounding single or double quotes.
    private static func unquoted(_ value: String) -> String {
        guard value.count >= 2, let first = value.first, first == value.last, first == "\"" || first == "'" else { return value }
        return String(value.dropFirst().dropLast())
    }

    /// Whether the file's permissions let every user read it.
    private static func isReadableByOthers(_ path: String) -> Bool {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else { return false }
        let permissions = (attributes[.posixPermissions] as? NSNumber)?.intValue ?? (attributes[.posixPermissions] as? Int) ?? 0
        return permissions & 0o004 != 0
    }

    /// A short reason for a read failure.
    private static func reason(_ error: any Error) -> String {
        let nsError = error as NSError
        switch nsError.code {
        case NSFileReadNoSuchFileError: return "no such file"
        case NSFileReadNoPermissionError: return "permission denied"
        case NSFileReadInapplicableStringEncodingError: return "not UTF-8 text"
        default: return nsError.localizedDescription
        }
    }
}
