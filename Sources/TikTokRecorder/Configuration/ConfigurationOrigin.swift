/// Where one configuration value came from, so a later problem with it (an output folder that cannot be created, a
/// status address already in use) can be reported where the user can fix it.
public enum ConfigurationOrigin: Sendable, Equatable, CustomStringConvertible {
    /// Written in the configuration file `path`, at `line` (1-based) when known.
    case file(path: String, line: Int?)
    /// Set by the environment variable `variable`, which overrides the file.
    case environment(variable: String)
    /// Not written anywhere: the built-in default.
    case builtInDefault

    /// `FILE:LINE`, `VARIABLE` or `built-in default`.
    public var description: String {
        switch self {
        case .file(let path, let line?): "\(path):\(line)"
        case .file(let path, nil): path
        case .environment(let variable): variable
        case .builtInDefault: "built-in default"
        }
    }

    /// A ``ConfigurationError`` located at this origin: the file's line, or the variable. A built-in default is
    /// reported against `fallbackFile` (the configuration file), since that is where the user would set the value.
    public func error(_ message: String, fallbackFile: String) -> ConfigurationError {
        switch self {
        case .file(let path, let line): ConfigurationError(file: path, line: line, message: message)
        case .environment(let variable): ConfigurationError(file: variable, line: nil, message: message)
        case .builtInDefault: ConfigurationError(file: fallbackFile, line: nil, message: message)
        }
    }
}
