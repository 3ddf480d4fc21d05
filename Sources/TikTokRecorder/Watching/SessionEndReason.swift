/// Why a session ended (stored in the catalog as `rawValue`).
public enum SessionEndReason: String, Sendable, Equatable, Codable {
    /// No return within the window after the last part.
    case ended
    /// An operator stopped it.
    case stopped
    /// The creator was disabled or removed from the configuration.
    case disabled
    /// Recording kept failing (no part could be written).
    case failed
}
