import Foundation
import Yams

/// Turns a composed configuration file into a ``RecorderConfiguration``, checking every key and value, and noting
/// where each value was written.
final class ConfigurationReader {
    let file: String
    /// Where each value came from, by key path (`watch.interval`).
    private(set) var origins: [String: ConfigurationOrigin] = [:]

    static let topLevelKeys = ["output", "tiktok", "watch", "status", "defaults", "creators"]
    static let tiktokKeys = ["baseURL", "signerURL", "transport", "userAgent", "proxy", "secretsFile"]
    static let watchKeys = [
        "interval", "requestsPerMinute", "returnWindow", "maxConcurrentRecordings", "minimumFreeSpace", "followingFeed",
    ]
    static let optionKeys = ["quality", "codec", "folder", "filename", "segment", "proxy", "events", "plainMP4"]
    static let creatorKeys = ["username", "interval", "enabled"] + optionKeys
    static let proxySchemes = ["http", "https", "socks4", "socks4a", "socks5", "socks5h"]

    init(file: String) {
        self.file = file
    }

    /// An error at `line` of the file.
    func error(_ line: Int?, _ message: String) -> ConfigurationError {
        ConfigurationError(file: self.file, line: line, message: message)
    }

    /// The value of `field` checked by `rule` (which gets the text and the field's label), located at its line.
    func value<Value>(_ field: ConfigurationField, _ rule: (String, String) throws -> Value) throws -> Value {
        guard let scalar = field.value.scalar else {
            throw self.error(field.line, "\(field.label) must be a single value, not \(ConfigurationFields.kind(of: field.value))")
        }
        do {
            return try rule(scalar.string, field.label)
        } catch let problem as ValueProblem {
            throw self.error(field.line, problem.message)
        }
    }

    /// Notes that the value at `path` was written at `field`'s line.
    func noteOrigin(_ path: String, _ field: ConfigurationField) {
        self.origins[path] = .file(path: self.file, line: field.line)
    }

    /// Fields of a section mapping, labelled `section.key`.
    func fields(_ field: ConfigurationField) throws -> ConfigurationFields {
        try ConfigurationFields(field.value, file: self.file, what: field.label, scope: field.scope.nested(field.name))
    }

    // MARK: - Sections

    /// The whole file. Secrets, the environment and warnings are added by ``RecorderConfiguration/parse(yaml:file:environment:)``.
    func configuration(_ root: Node) throws -> RecorderConfiguration {
        var fields = try ConfigurationFields(root, file: self.file, what: "the configuration file", scope: .topLevel)
        var configuration = RecorderConfiguration()
        if let field = fields.take("output"), !field.isNull {
            configuration.output = try self.value(field, ConfigurationValueRules.path)
            self.noteOrigin("output", field)
        }
        if let field = fields.take("tiktok"), !field.isNull { configuration.tiktok = try self.tiktok(field) }
        if let field = fields.take("watch"), !field.isNull { configuration.watch = try self.watch(field) }
        if let field = fields.take("status"), !field.isNull { configuration.status = try self.status(field) }
        if let field = fields.take("defaults"), !field.isNull {
            var defaults = try self.fields(field)
            configuration.defaults = try self.options(&defaults, base: CreatorOptions(), path: "defaults")
            try defaults.finish(allowed: Self.optionKeys)
        }
        let creators = fields.take("creators")
        try fields.finish(allowed: Self.topLevelKeys)
        guard let creators else {
            throw self.error(
                root.mark?.line, "the configuration needs a `creators:` list of TikTok usernames (write `creators: []` to watch nobody yet)"
            )
        }
        self.noteOrigin("creators", creators)
        configuration.creators = try self.creators(creators, defaults: configuration.defaults)
        return configuration
    }

    func tiktok(_ field: ConfigurationField) throws -> TikTokSettings {
        var fields = try self.fields(field)
        var settings = TikTokSettings()
        let httpSchemes = ["http", "https"]
        for key in Self.tiktokKeys {
            guard let field = fields.take(key), !field.isNull else { continue }
            switch key {
            case "baseURL":
                let url = try self.value(field) {
                    try ConfigurationValueRules.url($0, $1, schemes: httpSchemes, example: "http://127.0.0.1:8080")
                }
                settings.baseURL = url.hasSuffix("/") ? String(url.dropLast()) : url
            case "signerURL":
                settings.signerURL = try self.value(field) {
                    try ConfigurationValueRules.url($0, $1, schemes: httpSchemes, example: "https://tiktok.eulerstream.com")
                }
            case "transport":
                settings.transport = try self.value(field) { try ConfigurationValueRules.choice($0, $1, as: EventTransportChoice.self) }
            case "userAgent":
                settings.userAgent = try self.value(field, ConfigurationValueRules.line)
            case "proxy":
                settings.proxy = try self.value(field) {
                    try ConfigurationValueRules.url($0, $1, schemes: Self.proxySchemes, example: "socks5h://127.0.0.1:1080")
                }
            default:
                settings.secretsFile = try self.value(field, ConfigurationValueRules.path)
            }
            self.noteOrigin("tiktok.\(key)", field)
        }
        try fields.finish(allowed: Self.tiktokKeys)
        return settings
    }

    func watch(_ field: ConfigurationField) throws -> WatchSection {
        var fields = try self.fields(field)
        var watch = WatchSection()
        for key in Self.watchKeys {
            guard let field = fields.take(key), !field.isNull else { continue }
            switch key {
            case "interval":
                watch.interval = try self.value(field) { try ConfigurationValueRules.duration($0, $1, minimum: 1) }
            case "requestsPerMinute":
                watch.requestsPerMinute = try self.value(field) { try ConfigurationValueRules.count($0, $1, range: 1...10_000) }
            case "returnWindow":
                watch.returnWindow = try self.value(field) { try ConfigurationValueRules.duration($0, $1, minimum: 0) }
            case "maxConcurrentRecordings":
                watch.maxConcurrentRecordings = try self.value(field) { try ConfigurationValueRules.count($0, $1, range: 1...10_000) }
            case "minimumFreeSpace":
                watch.minimumFreeBytes = try self.value(field) { try ConfigurationValueRules.size($0, $1, minimum: 0) }
            default:
                watch.followingFeed = try self.value(field) { try ConfigurationValueRules.choice($0, $1, as: FollowingFeedChoice.self) }
            }
            self.noteOrigin("watch.\(key)", field)
        }
        try fields.finish(allowed: Self.watchKeys)
        return watch
    }

    func status(_ field: ConfigurationField) throws -> StatusSection {
        var fields = try self.fields(field)
        var status = StatusSection()
        if let listen = fields.take("listen"), !listen.isNull {
            status.listen = try self.value(listen, ConfigurationValueRules.listen)
            self.noteOrigin("status.listen", listen)
        }
        try fields.finish(allowed: ["listen"])
        return status
    }
}
