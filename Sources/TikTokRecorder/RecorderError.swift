/// A recorder-level failure, phrased for the operator.
public enum RecorderError: Error, CustomStringConvertible, Sendable {
    /// The room is live but offers no URL we can record (restricted or ended).
    case noPlayableStream(roomID: String)
    /// The output folder cannot be created or written.
    case outputNotWritable(path: String, reason: String)

    public var description: String {
        switch self {
        case .noPlayableStream(let roomID):
            "room \(roomID) is live but lists no FLV or HLS URL; it may be age-restricted (set a session cookie) or just ended"
        case .outputNotWritable(let path, let reason):
            "cannot write recordings to '\(path)': \(reason); choose another --output folder or fix its permissions"
        }
    }
}
