import CurlTransport
import Foundation

/// Chooses the ``MediaInput`` for a location: a URL or a local file.
public enum MediaInputs {
    /// How often a paced HTTP-FLV stream is read: 250 ms. Wake-ups, not bytes, are most of a live recording's CPU
    /// cost (measured with `bench/live-cost.sh`: 0.19 % of a core per stream at 100 ms, 0.11 % at 250 ms). The
    /// price is chat sync: video arrival times are known to within this interval, and the media clock's
    /// least-delay estimate brings the error back to tens of milliseconds (about 30 ms in the end-to-end test).
    public static let defaultReadInterval: Duration = .milliseconds(250)

    /// The input for `location`:
    /// - an `http(s)` URL whose path ends in `.m3u8` → ``HLSInput``; any other `http(s)` URL → ``HTTPFLVInput``;
    /// - a file path or `file://` URL whose name ends in `.flv` or whose first bytes are `FLV` → ``FLVFileInput``;
    /// - any other existing file → ``LibAVDemuxInput`` (MPEG-TS, MP4, MKV …).
    ///
    /// `headers`, `proxy` and `stallTimeout` apply to URLs only; `readInterval` to HTTP-FLV only: a paced live stream
    /// is read that often, in one large piece, rather than once per frame (see ``defaultReadInterval``).
    /// - Throws: ``LiveMediaError`` naming the path when the file does not exist, or the scheme when it is neither
    ///   http(s) nor a file.
    public static func open(
        _ location: String, headers: [(name: String, value: String)] = [], proxy: String? = nil,
        stallTimeout: Duration = .seconds(15), readInterval: Duration = Self.defaultReadInterval
    ) throws(LiveMediaError) -> any MediaInput {
        let lowercased = location.lowercased()
        if lowercased.hasPrefix("http://") || lowercased.hasPrefix("https://") {
            let path = URL(string: location)?.path.lowercased() ?? lowercased.prefix { $0 != "?" }.lowercased()
            if path.hasSuffix(".m3u8") {
                return HLSInput(playlistURL: location, headers: headers, proxy: proxy, stallTimeout: stallTimeout)
            }
            return HTTPFLVInput(
                request: HTTPRequest(
                    url: location, headers: headers, proxy: proxy, totalTimeout: nil, stallTimeout: stallTimeout,
                    coalescingInterval: readInterval
                )
            )
        }
        var path = location
        if lowercased.hasPrefix("file://") {
            path = URL(string: location)?.path ?? String(location.dropFirst("file://".count))
        } else if let scheme = lowercased.firstRange(of: "://") {
            throw .unsupportedCodec(
                "the location scheme '\(lowercased[..<scheme.lowerBound])' in \(CurlError.redact(location)); use http(s):// or a file path")
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw MediaInputFailure.missingFile(path)
        }
        if path.lowercased().hasSuffix(".flv") || Self.startsWithFLVSignature(path) {
            return FLVFileInput(path: path)
        }
        return LibAVDemuxInput(path: path)
    }

    private static func startsWithFLVSignature(_ path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        let head = (try? handle.read(upToCount: 3)) ?? Data()
        return Array(head) == [0x46, 0x4C, 0x56]
    }
}
