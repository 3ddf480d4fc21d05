import Foundation

/// A TCP address to listen on: a host name or IP address and a port.
public struct ListenAddress: Sendable, Equatable, CustomStringConvertible {
    /// The host name or IP address (an IPv6 address without brackets).
    public var host: String
    /// The port, 0…65535 (0 lets the system pick a free one).
    public var port: Int

    /// Creates an address.
    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Reads `host:port`, `[ipv6]:port` or `:port` (meaning 127.0.0.1); `nil` for anything else.
    public init?(parsing text: String) {
        let text = text.trimmingSpaces()
        let hostPart: Substring
        let portPart: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else { return nil }
            hostPart = text[text.index(after: text.startIndex)..<close]
            portPart = text[text.index(close, offsetBy: 2)...]
        } else {
            guard let colon = text.lastIndex(of: ":"), !text[..<colon].contains(":") else { return nil }
            hostPart = text[..<colon]
            portPart = text[text.index(after: colon)...]
        }
        let hostCharacters = hostPart.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-.:_%".contains($0)) }
        guard hostCharacters, let port = Int(portPart), (0...65535).contains(port) else { return nil }
        self.host = hostPart.isEmpty ? "127.0.0.1" : String(hostPart)
        self.port = port
    }

    /// `host:port`, with an IPv6 host in brackets.
    public var description: String {
        self.host.contains(":") ? "[\(self.host)]:\(self.port)" : "\(self.host):\(self.port)"
    }
}

/// The `status:` section: the status server.
public struct StatusSection: Sendable, Equatable {
    /// Where the status server listens, or `nil` when it is off (`listen: off`).
    public var listen: ListenAddress?

    /// Creates the section; the default listens on 127.0.0.1:8090.
    public init(listen: ListenAddress? = ListenAddress(host: "127.0.0.1", port: 8090)) {
        self.listen = listen
    }
}
