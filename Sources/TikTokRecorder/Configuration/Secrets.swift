/// The secrets the recorder may need, which never come from the configuration text: from the environment
/// (`TIKTOK_SIGNER_API_KEY`, `TIKTOK_SESSIONID`, `TIKTOK_TARGET_IDC`) or from `tiktok.secretsFile`; the environment
/// wins. ``description``, `debugDescription` and the mirror (what `dump` shows) say only `<set>` or `none`.
public struct Secrets: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The variable holding the sign server's API key.
    public static let signerAPIKeyVariable = "TIKTOK_SIGNER_API_KEY"
    /// The variable holding the logged-in `sessionid` cookie.
    public static let sessionIDVariable = "TIKTOK_SESSIONID"
    /// The variable holding the `tt-target-idc` cookie.
    public static let targetIDCVariable = "TIKTOK_TARGET_IDC"
    /// Every secret variable, in the order they are described.
    public static let variables = [signerAPIKeyVariable, sessionIDVariable, targetIDCVariable]

    /// The sign server's API key, or `nil`.
    public var signerAPIKey: String?
    /// The logged-in `sessionid` cookie, or `nil`.
    public var sessionID: String?
    /// The account's `tt-target-idc` cookie, or `nil`.
    public var targetIDC: String?

    /// Creates a set of secrets.
    public init(signerAPIKey: String? = nil, sessionID: String? = nil, targetIDC: String? = nil) {
        self.signerAPIKey = signerAPIKey
        self.sessionID = sessionID
        self.targetIDC = targetIDC
    }

    /// The value of the secret stored under the environment-variable name `variable`.
    subscript(variable variable: String) -> String? {
        get {
            switch variable {
            case Self.signerAPIKeyVariable: self.signerAPIKey
            case Self.sessionIDVariable: self.sessionID
            case Self.targetIDCVariable: self.targetIDC
            default: nil
            }
        }
        set {
            switch variable {
            case Self.signerAPIKeyVariable: self.signerAPIKey = newValue
            case Self.sessionIDVariable: self.sessionID = newValue
            case Self.targetIDCVariable: self.targetIDC = newValue
            default: break
            }
        }
    }

    /// `signerAPIKey <set>, sessionID none, targetIDC none`: which secrets are present, never their values.
    public var description: String {
        "signerAPIKey \(Self.shown(self.signerAPIKey)), sessionID \(Self.shown(self.sessionID)), targetIDC \(Self.shown(self.targetIDC))"
    }

    /// The same as ``description``.
    public var debugDescription: String { "Secrets(\(self.description))" }

    /// `<set>` or `none` per secret.
    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "signerAPIKey": Self.shown(self.signerAPIKey), "sessionID": Self.shown(self.sessionID),
                "targetIDC": Self.shown(self.targetIDC),
            ],
            displayStyle: .struct
        )
    }

    private static func shown(_ value: String?) -> String { value == nil ? "none" : "<set>" }
}
