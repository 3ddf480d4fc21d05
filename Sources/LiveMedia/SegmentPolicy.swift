/// When a recording starts a new file besides codec parameter changes: after a duration or a size, always at a
/// video keyframe so every file starts cleanly.
public struct SegmentPolicy: Sendable, Equatable {
    /// Start a new file once the current one holds this much media; `nil`: no limit.
    public var maximumDuration: Duration?
    /// Start a new file once the current one holds this many bytes; `nil`: no limit.
    public var maximumBytes: Int64?

    /// A policy; the default is one file per recording (split only when codec parameters change).
    public init(maximumDuration: Duration? = nil, maximumBytes: Int64? = nil) {
        self.maximumDuration = maximumDuration
        self.maximumBytes = maximumBytes
    }

    /// The path of segment `index` (1-based): the first is `path` itself, later ones insert `-partN` before the
    /// extension (`live.mp4`, `live-part2.mp4`, …).
    public static func segmentPath(_ path: String, index: Int) -> String {
        guard index > 1 else { return path }
        let slash = path.lastIndex(of: "/")
        if let dot = path.lastIndex(of: "."), slash.map({ dot > $0 }) ?? true {
            return String(path[..<dot]) + "-part\(index)" + String(path[dot...])
        }
        return path + "-part\(index)"
    }
}
