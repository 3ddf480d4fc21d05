import CurlTransport
import Foundation

/// A proxy the event WebSocket tunnels through: an HTTP proxy (`CONNECT`) or a SOCKS5 proxy.
///
/// Parsed from the same URL forms libcurl takes for HTTP requests, so one setting serves both.
public struct ProxyEndpoint: Sendable, Equatable, CustomStringConvertible {
    /// How the tunnel is opened.
    public enum Kind: String, Sendable, Equatable {
        /// `CONNECT host:port` to an HTTP proxy.
        case httpConnect = "http"
        /// SOCKS5 with the target's host name (resolved by the proxy).
        case socks5
    }

    /// How the tunnel is opened.
    public var kind: Kind
    /// The proxy's host.
    public var host: String
    /// The proxy's port.
    public var port: Int

    /// Creates an endpoint from its parts.
    public init(kind: Kind, host: String, port: Int) {
        self.kind = kind
        self.host = host
        self.port = port
    }

    /// Parses `http://host:port`, `socks5://host:port` or `socks5h://host:port` (a missing port means 1080 for SOCKS,
    /// 8080 for HTTP).
    /// - Throws: ``ParseError`` naming the value and the accepted forms.
    public init(url: String) throws {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
            let host = components.host, !host.isEmpty
        else { throw ParseError(value: url) }
        switch scheme {
        case "http":
            self.kind = .httpConnect
            self.port = components.port ?? 8080
        case "socks5", "socks5h":
            self.kind = .socks5
            self.port = components.port ?? 1080
        default:
            throw ParseError(value: url)
        }
        if components.user != nil { throw ParseError(value: url, reason: "proxy credentials are not supported for the WebSocket") }
        self.host = host
    }

    /// `kind://host:port`.
    public var description: String { "\(self.kind == .socks5 ? "socks5h" : "http")://\(self.host):\(self.port)" }

    /// A proxy setting that cannot be used.
    public struct ParseError: Error, CustomStringConvertible, Equatable {
        /// The value as given (credentials, if any, are not repeated).
        public var value: String
        /// What is wrong.
        public var reason: String = "expected http://host:port, socks5://host:port or socks5h://host:port"

        public var description: String {
            let shown = CurlError.redact(self.value)
            return "proxy '\(shown)' cannot be used: \(self.reason)"
        }
    }
}

/// Which proxy each kind of request uses: explicit settings first, then the environment as gotiktoklive reads it.
///
/// `HTTPS_PROXY` (or `https_proxy`) applies to HTTP requests and the WebSocket; `ALL_PROXY` (or `all_proxy`) to the
/// WebSocket only. libcurl is told not to read the environment itself, so these rules are the only ones.
public struct ProxyResolver: Sendable {
    /// The proxy for HTTP requests (a URL libcurl understands), or `nil` for direct.
    public var httpProxy: String?
    /// The proxy for the WebSocket, or `nil` for direct.
    public var webSocketProxy: String?

    /// Resolves `configuration` against `environment`.
    public init(configuration: TikTokLiveConfiguration, environment: [String: String] = ProcessInfo.processInfo.environment) {
        func nonEmpty(_ value: String?) -> String? { value.flatMap { $0.isEmpty ? nil : $0 } }
        let httpsProxy = nonEmpty(environment["HTTPS_PROXY"]) ?? nonEmpty(environment["https_proxy"])
        let allProxy = nonEmpty(environment["ALL_PROXY"]) ?? nonEmpty(environment["all_proxy"])
        self.httpProxy = nonEmpty(configuration.proxy) ?? httpsProxy
        self.webSocketProxy = nonEmpty(configuration.webSocketProxy) ?? nonEmpty(configuration.proxy) ?? httpsProxy ?? allProxy
    }
}
