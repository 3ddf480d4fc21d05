import Foundation
import Yams

/// The recorder service's configuration: the `config/recorder.yaml` file, then the environment overrides, plus the
/// secrets (from the environment or `tiktok.secretsFile`, never from the file's text).
///
/// ``load(path:environment:)`` and ``parse(yaml:file:environment:)`` check every key and value and throw a
/// ``ConfigurationError`` (`FILE:LINE: message`) for the first problem. ``description`` is safe for logs: secrets
/// show only as `<set>` and proxy credentials as `<redacted>`, and so do `String(reflecting:)` and `dump`.
public struct RecorderConfiguration: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// Where the service looks for its configuration when `--config` is not given.
    public static let defaultPath = "config/recorder.yaml"

    /// The root folder of the recordings and the catalog.
    public var output: String
    /// Where TikTok is and how it is reached.
    public var tiktok: TikTokSettings
    /// How often creators are checked and how much runs at once.
    public var watch: WatchSection
    /// The status server.
    public var status: StatusSection
    /// The options every creator starts from (already merged into each ``CreatorEntry/options``).
    public var defaults: CreatorOptions
    /// The creators to watch, in file order.
    public var creators: [CreatorEntry]
    /// The secrets from the environment and the secrets file.
    public var secrets: Secrets
    /// Non-fatal remarks to show at start-up (a world-readable secrets file, a request budget too small for the list).
    public var warnings: [String]
    /// The configuration file's path as given, or `nil` for a configuration made in code.
    public var file: String?
    /// Where each value that was not a built-in default came from, by key path (`output`, `watch.interval`,
    /// `defaults.quality`, `creators`); see ``origin(of:)``.
    public var origins: [String: ConfigurationOrigin]

    /// The built-in defaults, with no creators.
    public init() {
        self.output = "recordings"
        self.tiktok = TikTokSettings()
        self.watch = WatchSection()
        self.status = StatusSection()
        self.defaults = CreatorOptions()
        self.creators = []
        self.secrets = Secrets()
        self.warnings = []
        self.file = nil
        self.origins = [:]
    }

    // MARK: - Loading

    /// Reads and checks the configuration file at `path`, then applies `environment` (overrides and secrets).
    /// - Throws: ``ConfigurationError``: `FILE: cannot read: …` when the file cannot be read, otherwise as
    ///   ``parse(yaml:file:environment:)``.
    public static func load(path: String, environment: [String: String]) throws -> RecorderConfiguration {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            let nsError = error as NSError
            let reason =
                switch nsError.code {
                case NSFileReadNoSuchFileError: "no such file"
                case NSFileReadNoPermissionError: "permission denied"
                case NSFileReadInapplicableStringEncodingError: "not UTF-8 text"
                default: nsError.localizedDescription
                }
            throw ConfigurationError(
                file: path, line: nil, message: "cannot read: \(reason); copy \(Self.defaultPath) and edit it, or pass --config FILE")
        }
        return try Self.parse(yaml: text, file: path, environment: environment)
    }

    /// Checks `yaml` as a configuration file called `file` (used in errors and origins), then applies `environment`:
    /// the `TIKTOK_RECORDER_*` overrides (see ``EnvironmentOverrides``) and the secrets, which also come from
    /// `tiktok.secretsFile` (the environment wins).
    /// - Throws: ``ConfigurationError`` for invalid YAML, a key that looks like a secret, an unknown key, a wrong
    ///   value, an invalid or duplicate username, an invalid override, or an unreadable or malformed secrets file.
    public static func parse(yaml: String, file: String, environment: [String: String]) throws -> RecorderConfiguration {
        do {
            return try Self.parseChecked(yaml: yaml, file: file, environment: environment)
        } catch let error as ConfigurationError {
            throw error
        } catch {
            throw ConfigurationError(file: file, line: nil, message: "\(error)")
        }
    }

    private static func parseChecked(yaml: String, file: String, environment: [String: String]) throws -> RecorderConfiguration {
        let root = try Self.compose(yaml, file: file)
        let reader = ConfigurationReader(file: file)
        try reader.refuseSecrets(in: root)
        var configuration = try reader.configuration(root)
        configuration.file = file
        configuration.origins = reader.origins
        try EnvironmentOverrides.apply(environment, to: &configuration)
        let (secrets, warnings) = try SecretsLoader.load(
            environment: environment, secretsFile: configuration.tiktok.secretsFile, origin: configuration.origin(of: "tiktok.secretsFile"),
            configurationFile: file)
        configuration.secrets = secrets
        configuration.warnings = warnings + configuration.listWarnings()
        return configuration
    }

    /// The YAML tree of `yaml`; errors say where and what, without quoting the file's text.
    private static func compose(_ yaml: String, file: String) throws -> Node {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            throw Self.syntaxError(error, file: file)
        }
        guard let root, !ConfigurationFields.isNull(root) else {
            throw ConfigurationError(
                file: file, line: nil, message: "the file is empty; it needs at least a `creators:` list (see \(Self.defaultPath))")
        }
        return root
    }

    private static func syntaxError(_ error: YamlError, file: String) -> ConfigurationError {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let during = context.map { " (\($0.text))" } ?? ""
            return ConfigurationError(
                file: file, line: mark.line, message: "not valid YAML: \(problem)\(during); check the indentation and quoting")
        case .duplicatedKeysInMapping(let duplicates, let context):
            let keys = duplicates.map { MessageText.quoted($0, limit: 40) }.joined(separator: ", ")
            return ConfigurationError(
                file: file, line: context.mark.line,
                message: "the key \(keys) appears more than once in the same mapping (first on this line); keep one")
        case .reader(let problem, _, _, _):
            return ConfigurationError(file: file, line: nil, message: "not valid YAML text: \(problem)")
        default:
            return ConfigurationError(file: file, line: nil, message: "not valid YAML")
        }
    }

    // MARK: - Questions

    /// Where the value at `keyPath` (`watch.interval`) came from: the file's line, an environment variable, or the
    /// built-in default.
    public func origin(of keyPath: String) -> ConfigurationOrigin {
        self.origins[keyPath] ?? .builtInDefault
    }

    /// A ``ConfigurationError`` about the value at `keyPath`, located where it came from (a later problem such as an
    /// output folder that cannot be created).
    public func error(at keyPath: String, _ message: String) -> ConfigurationError {
        self.origin(of: keyPath).error(message, fallbackFile: self.file ?? Self.defaultPath)
    }

    /// The creators that are watched.
    public var enabledCreators: [CreatorEntry] { self.creators.filter(\.enabled) }

    /// The gap between two live checks of `creator`: its own interval, or `watch.interval`.
    public func interval(for creator: CreatorEntry) -> TimeInterval {
        creator.interval ?? self.watch.interval
    }

    /// The proxy for `creator`'s requests: its own (or the defaults'), else `tiktok.proxy`, else `nil`.
    public func proxy(for creator: CreatorEntry) -> String? {
        creator.options.proxy ?? self.tiktok.proxy
    }

    /// Remarks about the creator list: none to watch, or a request budget too small for the intervals asked.
    func listWarnings() -> [String] {
        let enabled = self.enabledCreators
        if enabled.isEmpty { return ["no enabled creators: nothing will be recorded until `creators:` lists someone"] }
        let lookupsPerMinute = enabled.reduce(0.0) { $0 + 60 / self.interval(for: $1) }
        guard lookupsPerMinute > Double(self.watch.requestsPerMinute) else { return [] }
        let stretch = lookupsPerMinute / Double(self.watch.requestsPerMinute)
        return [
            "\(enabled.count) creators at their intervals need about \(Int(lookupsPerMinute.rounded(.up))) checks a minute, but "
                + "watch.requestsPerMinute is \(self.watch.requestsPerMinute): checks will come about \(String(format: "%.1f", stretch)) "
                + "times less often than asked (lengthen watch.interval, or raise requestsPerMinute with care: "
                + "TikTok blocks busy addresses)"
        ]
    }

    // MARK: - Descriptions

    /// A one-paragraph summary safe for logs: secrets show as `<set>`, proxy credentials as `<redacted>`.
    public var redactedSummary: String {
        let listen = self.status.listen.map { "on \($0)" } ?? "off"
        let enabled = self.enabledCreators.count
        var text = "output \(self.output); TikTok: \(self.tiktok); "
        text += "watch: every \(ConfigurationValueRules.seconds(self.watch.interval)), "
        text += "\(self.watch.requestsPerMinute) requests/min, return window \(ConfigurationValueRules.seconds(self.watch.returnWindow)), "
        text += "at most \(self.watch.maxConcurrentRecordings) recordings, minimum free \(self.watch.minimumFreeBytes) bytes, "
        text += "following feed \(self.watch.followingFeed.rawValue); status server \(listen); defaults: \(self.defaults); "
        text += "\(self.creators.count) creators (\(enabled) enabled); secrets: \(self.secrets)"
        if !self.warnings.isEmpty { text += "; \(self.warnings.count) warning(s)" }
        return text
    }

    /// The same as ``redactedSummary``.
    public var description: String { self.redactedSummary }

    /// The same as ``redactedSummary``.
    public var debugDescription: String { "RecorderConfiguration(\(self.redactedSummary))" }

    /// The fields, each of which redacts its own secrets (what `dump` shows).
    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "output": self.output, "tiktok": self.tiktok, "watch": self.watch, "status": self.status, "defaults": self.defaults,
                "creators": self.creators, "secrets": self.secrets, "warnings": self.warnings, "file": self.file as Any,
            ],
            displayStyle: .struct
        )
    }
}
