import Foundation
import Yams

extension ConfigurationReader {
    /// `base` with the option keys of `fields` applied (the `defaults:` section, or one creator's overrides).
    /// `path` prefixes the origins noted (`defaults`, or nothing for a creator, whose entry has its own line).
    func options(_ fields: inout ConfigurationFields, base: CreatorOptions, path: String?) throws -> CreatorOptions {
        var options = base
        for key in Self.optionKeys {
            guard let field = fields.take(key) else { continue }
            switch key {
            case "quality":
                options.quality = try self.value(field, ConfigurationValueRules.quality)
            case "codec":
                options.codec = try self.value(field) { try ConfigurationValueRules.choice($0, $1, as: CodecChoice.self) }
            case "folder":
                options.folder = try self.template(field)
            case "filename":
                options.filename = try self.template(field)
            case "segment":
                (options.segmentDuration, options.segmentBytes) = try self.segment(field)
            case "proxy":
                options.proxy =
                    field.isNull
                    ? nil
                    : try self.value(field) {
                        try ConfigurationValueRules.url($0, $1, schemes: Self.proxySchemes, example: "socks5h://127.0.0.1:1080")
                    }
            case "events":
                options.events = try self.events(field)
            default:
                options.plainMP4 = try self.value(field, ConfigurationValueRules.flag)
            }
            if let path { self.noteOrigin("\(path).\(key)", field) }
        }
        return options
    }

    /// A file or folder name template.
    func template(_ field: ConfigurationField) throws -> FilenameTemplate {
        let text = try self.value(field) { text, _ in text }
        do {
            return try FilenameTemplate(parsing: text)
        } catch {
            throw self.error(field.line, "\(field.label): \(error.description)")
        }
    }

    /// `segment: {duration: 1h, size: 4GB}` (either or both), or `off` / `{}` / nothing for no cuts.
    func segment(_ field: ConfigurationField) throws -> (TimeInterval?, Int64?) {
        if field.isNull || field.value.scalar?.string.lowercased() == "off" { return (nil, nil) }
        var fields = try ConfigurationFields(field.value, file: self.file, what: field.label, scope: field.scope.nested(field.name))
        var duration: TimeInterval?
        var bytes: Int64?
        if let field = fields.take("duration"), !field.isNull {
            duration = try self.value(field) { try ConfigurationValueRules.duration($0, $1, minimum: 1) }
        }
        if let field = fields.take("size"), !field.isNull {
            bytes = try self.value(field) { try ConfigurationValueRules.size($0, $1, minimum: 1_000_000) }
        }
        try fields.finish(allowed: ["duration", "size"])
        return (duration, bytes)
    }

    /// `all` (`nil`), or a list of event types.
    func events(_ field: ConfigurationField) throws -> Set<String>? {
        let allowed = CreatorOptions.eventTypes.joined(separator: ", ")
        if field.isNull || field.value.scalar?.string == "all" { return nil }
        guard let list = field.value.sequence else {
            throw self.error(
                field.line, "\(field.label) must be all or a list of event types such as [chat, gift]; the types are \(allowed)")
        }
        var types: Set<String> = []
        for item in list {
            guard let name = item.scalar?.string, CreatorOptions.eventTypes.contains(name) else {
                let shown = item.scalar.map { MessageText.quoted($0.string, limit: 40) } ?? ConfigurationFields.kind(of: item)
                throw self.error(
                    item.mark?.line ?? field.line, "\(field.label) lists \(shown), which is not an event type; the types are \(allowed)")
            }
            types.insert(name)
        }
        return types
    }

    // MARK: - Creators

    /// The `creators:` list, each entry with `defaults` merged in; usernames checked and unique.
    func creators(_ field: ConfigurationField, defaults: CreatorOptions) throws -> [CreatorEntry] {
        if field.isNull { return [] }
        guard let list = field.value.sequence else {
            throw self.error(
                field.line,
                "`creators` must be a list, one `- username` (or `- username: name` with options) per line, "
                    + "not \(ConfigurationFields.kind(of: field.value))")
        }
        var entries: [CreatorEntry] = []
        var firstLine: [String: Int] = [:]
        for item in list {
            let entry = try self.creator(item, defaults: defaults)
            let folded = entry.username.lowercased()
            if let first = firstLine[folded] {
                throw self.error(entry.line, "creator `\(entry.username)` is listed twice (first on line \(first)); remove one")
            }
            firstLine[folded] = entry.line ?? 0
            entries.append(entry)
        }
        return entries
    }

    /// One entry: a plain username, or a mapping with `username:` and overrides.
    func creator(_ item: Node, defaults: CreatorOptions) throws -> CreatorEntry {
        let line = item.mark?.line
        if let scalar = item.scalar, !ConfigurationFields.isNull(item) {
            return CreatorEntry(username: try self.username(scalar.string, line: line), options: defaults, line: line)
        }
        guard item.mapping != nil else {
            throw self.error(
                line,
                "each creator is a username (`- someone`) or a mapping (`- username: someone`), not \(ConfigurationFields.kind(of: item))")
        }
        var fields = try ConfigurationFields(item, file: self.file, what: "this creator", scope: .topLevel)
        let usernameField = try fields.require("username", hint: "the TikTok username, e.g. `username: someone`")
        let username = try self.username(try self.value(usernameField) { text, _ in text }, line: usernameField.line)
        let scope = LabelScope(prefix: "", suffix: " of creator `\(username)`")
        fields = try ConfigurationFields(item, file: self.file, what: "creator `\(username)`", scope: scope)
        _ = fields.take("username")
        var entry = CreatorEntry(username: username, options: defaults, line: line)
        if let field = fields.take("interval"), !field.isNull {
            entry.interval = try self.value(field) { try ConfigurationValueRules.duration($0, $1, minimum: 1) }
        }
        if let field = fields.take("enabled"), !field.isNull {
            entry.enabled = try self.value(field, ConfigurationValueRules.flag)
        }
        entry.options = try self.options(&fields, base: defaults, path: nil)
        try fields.finish(allowed: Self.creatorKeys)
        return entry
    }

    /// `text` as a username: one leading `@` dropped, then 2–24 letters, digits, `_` and `.`.
    func username(_ text: String, line: Int?) throws -> String {
        let trimmed = text.trimmingSpaces()
        let username = trimmed.hasPrefix("@") ? String(trimmed.dropFirst()) : trimmed
        guard CreatorEntry.isValidUsername(username) else {
            throw self.error(
                line,
                "\(MessageText.quoted(text, limit: 40)) is not a TikTok username: a username is 2 to 24 letters, digits, _ and . "
                    + "(write it as it appears after tiktok.com/@)")
        }
        return username
    }

    // MARK: - Secrets

    /// Throws at the first key anywhere in the file that looks like a secret; the value is never read.
    func refuseSecrets(in node: Node) throws {
        switch node {
        case .mapping(let mapping):
            for pair in mapping {
                if let name = pair.key.scalar?.string, let variable = Self.secretVariable(forKey: name) {
                    var message = "secrets never go in the configuration file; set \(variable) in the environment or in tiktok.secretsFile"
                    if name.lowercased() == "password" {
                        message += " (a proxy's user and password go in its URL: socks5h://user:password@host:1080)"
                    }
                    throw self.error(pair.key.mark?.line, "`\(name)`: " + message)
                }
                try self.refuseSecrets(in: pair.value)
            }
        case .sequence(let sequence):
            for item in sequence { try self.refuseSecrets(in: item) }
        case .scalar, .alias:
            break
        }
    }

    /// The environment variable a secret-looking key belongs in, or `nil` for an ordinary key.
    static func secretVariable(forKey key: String) -> String? {
        let folded = key.lowercased().filter { $0 != "_" && $0 != "-" }
        switch folded {
        case "sessionid", "tiktoksessionid", "cookie", "cookies", "password", "sessionidss", "sidtt":
            return Secrets.sessionIDVariable
        case "apikey", "signerapikey", "tiktoksignerapikey":
            return Secrets.signerAPIKeyVariable
        case "targetidc", "tttargetidc", "tiktoktargetidc":
            return Secrets.targetIDCVariable
        default:
            return nil
        }
    }
}
