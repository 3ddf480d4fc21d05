/// The environment variables that override values of the configuration file, applied after it. An invalid value is
/// a ``ConfigurationError`` naming the variable (with no line). An empty variable counts as unset.
public enum EnvironmentOverrides {
    /// Overrides `output`.
    public static let output = "TIKTOK_RECORDER_OUTPUT"
    /// Overrides `tiktok.baseURL`.
    public static let baseURL = "TIKTOK_RECORDER_TIKTOK_BASEURL"
    /// Overrides `watch.interval`.
    public static let watchInterval = "TIKTOK_RECORDER_WATCH_INTERVAL"
    /// Overrides `watch.requestsPerMinute`.
    public static let requestsPerMinute = "TIKTOK_RECORDER_WATCH_REQUESTSPERMINUTE"
    /// Overrides `status.listen`.
    public static let statusListen = "TIKTOK_RECORDER_STATUS_LISTEN"
    /// Every override variable.
    public static let variables = [output, baseURL, watchInterval, requestsPerMinute, statusListen]

    /// Applies the overrides found in `environment` to `configuration`, noting each as the value's origin.
    /// - Throws: ``ConfigurationError`` (file: the variable's name, line: `nil`) for an invalid value.
    static func apply(_ environment: [String: String], to configuration: inout RecorderConfiguration) throws(ConfigurationError) {
        for variable in Self.variables {
            guard let text = environment[variable], !text.isEmpty else { continue }
            do {
                try Self.apply(variable, text, to: &configuration)
            } catch let problem as ValueProblem {
                throw ConfigurationError(file: variable, line: nil, message: problem.message)
            } catch {
                throw ConfigurationError(file: variable, line: nil, message: "\(error)")
            }
            configuration.origins[Self.keyPath(of: variable)] = .environment(variable: variable)
        }
    }

    /// The configuration key a variable overrides (`watch.interval`).
    public static func keyPath(of variable: String) -> String {
        switch variable {
        case Self.output: "output"
        case Self.baseURL: "tiktok.baseURL"
        case Self.watchInterval: "watch.interval"
        case Self.requestsPerMinute: "watch.requestsPerMinute"
        default: "status.listen"
        }
    }

    private static func apply(_ variable: String, _ text: String, to configuration: inout RecorderConfiguration) throws {
        let label = "overrides `\(Self.keyPath(of: variable))`; it"
        switch variable {
        case Self.output:
            configuration.output = try ConfigurationValueRules.path(text, label)
        case Self.baseURL:
            let url = try ConfigurationValueRules.url(text, label, schemes: ["http", "https"], example: "http://127.0.0.1:8080")
            configuration.tiktok.baseURL = url.hasSuffix("/") ? String(url.dropLast()) : url
        case Self.watchInterval:
            configuration.watch.interval = try ConfigurationValueRules.duration(text, label, minimum: 1)
        case Self.requestsPerMinute:
            configuration.watch.requestsPerMinute = try ConfigurationValueRules.count(text, label, range: 1...10_000)
        default:
            configuration.status.listen = try ConfigurationValueRules.listen(text, label)
        }
    }
}
