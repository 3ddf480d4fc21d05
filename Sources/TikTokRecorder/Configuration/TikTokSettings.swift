/// How the event feed of a live is opened (`tiktok.transport`).
public enum EventTransportChoice: String, Sendable, Equatable, CaseIterable {
    /// Through an Euler-compatible sign server (`signer`).
    case signer
    /// With no third party: TikTok's own web cookie, then the WebSocket directly (`signature-free`).
    case signatureFree = "signature-free"
}

/// The `tiktok:` section: where TikTok is and how it is reached. Secrets are not here (see ``Secrets``).
public struct TikTokSettings: Sendable, Equatable, CustomStringConvertible, CustomReflectable {
    /// One base URL for every TikTok endpoint (a running `tiktok-sim`), or `nil` for the real TikTok.
    public var baseURL: String?
    /// The sign server's base URL, or `nil` for the default one.
    public var signerURL: String?
    /// How event feeds are opened; `signer` unless configured.
    public var transport: EventTransportChoice
    /// The browser user agent, or `nil` for the built-in one.
    public var userAgent: String?
    /// The proxy for every TikTok request unless a creator names its own, or `nil` for none. It may carry
    /// credentials (`socks5h://user:password@host:1080`), which ``description`` hides.
    public var proxy: String?
    /// A file of `KEY=VALUE` secret lines, or `nil`. A relative path starts at the working directory.
    public var secretsFile: String?

    /// Creates the section; the defaults are those of a file that leaves `tiktok:` out.
    public init(
        baseURL: String? = nil, signerURL: String? = nil, transport: EventTransportChoice = .signer, userAgent: String? = nil,
        proxy: String? = nil, secretsFile: String? = nil
    ) {
        self.baseURL = baseURL
        self.signerURL = signerURL
        self.transport = transport
        self.userAgent = userAgent
        self.proxy = proxy
        self.secretsFile = secretsFile
    }

    /// A one-line summary; proxy credentials show as `<redacted>`.
    public var description: String {
        var parts = ["transport \(self.transport.rawValue)"]
        parts.append("base URL \(self.baseURL ?? "TikTok")")
        if let signerURL { parts.append("signer \(MessageText.redactingCredentials(signerURL))") }
        if let proxy { parts.append("proxy \(MessageText.redactingCredentials(proxy))") }
        if self.userAgent != nil { parts.append("custom user agent") }
        if let secretsFile { parts.append("secrets file \(secretsFile)") }
        return parts.joined(separator: ", ")
    }

    /// The fields, with proxy credentials redacted (what `dump` shows).
    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "baseURL": self.baseURL as Any, "signerURL": self.signerURL.map(MessageText.redactingCredentials) as Any,
                "transport": self.transport, "userAgent": self.userAgent as Any,
                "proxy": self.proxy.map(MessageText.redactingCredentials) as Any, "secretsFile": self.secretsFile as Any,
            ],
            displayStyle: .struct
        )
    }
}
