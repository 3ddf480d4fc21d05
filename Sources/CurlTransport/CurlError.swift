/// Why a libcurl transfer failed. The description names the URL's host and what to check.
public struct CurlError: Error, CustomStringConvertible, Sendable {
    /// What kind of failure this was.
    public enum Kind: Sendable, Equatable {
        /// The caller stopped the transfer (task cancellation or a stop request).
        case cancelled
        /// No byte arrived within the stall timeout.
        case stalled
        /// The server answered with an HTTP error status on a streaming transfer.
        case httpStatus(Int)
        /// Any other libcurl error, with its `CURLcode`.
        case transfer(code: Int)
    }

    /// What kind of failure this was.
    public let kind: Kind
    /// libcurl's own explanation (from its error buffer), if any.
    public let message: String
    /// The URL without its query string, so signatures and tokens never reach logs.
    public let redactedURL: String

    init(kind: Kind, message: String, url: String) {
        self.kind = kind
        self.message = message
        self.redactedURL = Self.redact(url)
    }

    /// `url` without its query string (it carries CDN signatures and API tokens) and without `user:password@`, for
    /// logs and errors.
    public static func redact(_ url: String) -> String {
        var shown = url
        if let query = shown.firstIndex(of: "?") { shown = String(shown[..<query]) + "?…" }
        if let scheme = shown.firstRange(of: "://"), let at = shown[scheme.upperBound...].prefix(while: { $0 != "/" }).lastIndex(of: "@") {
            shown.removeSubrange(scheme.upperBound...at)
        }
        return shown
    }

    public var description: String {
        switch self.kind {
        case .cancelled:
            "request to \(self.redactedURL) was cancelled"
        case .stalled:
            "no data from \(self.redactedURL) within the stall timeout; the server or network stopped sending"
        case .httpStatus(let status):
            "\(self.redactedURL) answered HTTP \(status)"
        case .transfer(let code):
            "request to \(self.redactedURL) failed (curl \(code)): \(self.message); check the address, network and proxy"
        }
    }
}
