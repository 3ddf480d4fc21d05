import Foundation
import Testing

@testable import TikTokRecorder

@Suite struct ConfigurationSecretsTests {
    typealias Support = ConfigurationTestSupport

    static let environment = [
        "TIKTOK_SIGNER_API_KEY": "euler_KEY_from_env_1234",
        "TIKTOK_SESSIONID": "sess_from_env_5678",
    ]

    @Test func secretsComeFromTheEnvironment() throws {
        let configuration = try Support.parse("creators: [someone]", environment: Self.environment)
        #expect(configuration.secrets == Secrets(signerAPIKey: "euler_KEY_from_env_1234", sessionID: "sess_from_env_5678"))
    }

    @Test func secretsComeFromTheSecretsFileAndTheEnvironmentWins() throws {
        let path = try Support.temporaryFile(
            """
            # secrets for the recorder
            TIKTOK_SIGNER_API_KEY=file_key_abcd

            export TIKTOK_SESSIONID="file_session_efgh"
            TIKTOK_TARGET_IDC = 'useast2a'
            """)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let yaml = "tiktok:\n  secretsFile: \(path)\ncreators: [someone]\n"
        let fromFile = try Support.parse(yaml)
        #expect(fromFile.secrets == Secrets(signerAPIKey: "file_key_abcd", sessionID: "file_session_efgh", targetIDC: "useast2a"))
        #expect(fromFile.warnings.isEmpty)
        let both = try Support.parse(yaml, environment: ["TIKTOK_SESSIONID": "env_session_wins"])
        #expect(both.secrets == Secrets(signerAPIKey: "file_key_abcd", sessionID: "env_session_wins", targetIDC: "useast2a"))
    }

    @Test func aWorldReadableSecretsFileIsAWarning() throws {
        let path = try Support.temporaryFile("TIKTOK_SESSIONID=abc\n", permissions: 0o644)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let configuration = try Support.parse("tiktok:\n  secretsFile: \(path)\ncreators: [someone]\n")
        #expect(configuration.warnings == ["\(path): the secrets file can be read by every user of this machine; run `chmod 600 \(path)`"])
    }

    @Test func anUnreadableSecretsFileIsAnErrorAtItsKey() throws {
        let error = try #require(Support.error("creators: [someone]\ntiktok:\n  secretsFile: /nonexistent/secrets.env\n"))
        #expect(error.description.hasPrefix("test.yaml:3: tiktok.secretsFile: cannot read /nonexistent/secrets.env (no such file)"))
    }

    @Test func aMalformedSecretsFileNamesItsLineButNeverTheValue() throws {
        let noEquals = try Support.temporaryFile("# comment\nTIKTOK_SESSIONID sess_leaked_9999\n")
        let unknown = try Support.temporaryFile("TIKTOK_SESSION=sess_leaked_9999\n")
        let twice = try Support.temporaryFile("TIKTOK_SESSIONID=a1\nTIKTOK_SESSIONID=sess_leaked_9999\n")
        defer { for path in [noEquals, unknown, twice] { try? FileManager.default.removeItem(atPath: path) } }
        for (path, line, fragment) in [
            (noEquals, 2, "not KEY=VALUE"), (unknown, 1, "unknown key `TIKTOK_SESSION`"), (twice, 2, "first on line 1"),
        ] {
            let error = try #require(Support.error("tiktok: {secretsFile: \(path)}\ncreators: [someone]\n"))
            #expect(error.file == path && error.line == line, "\(error)")
            #expect(error.message.contains(fragment), "\(error)")
            #expect(!error.description.contains("sess_leaked_9999"))
        }
    }

    @Test func aSecretKeyAnywhereInTheFileIsRefusedWithoutEchoingIt() throws {
        let cases: [(String, Int, String)] = [
            ("sessionid: value_leaked_1\ncreators: []\n", 1, "TIKTOK_SESSIONID"),
            ("tiktok:\n  signerAPIKey: value_leaked_1\ncreators: []\n", 2, "TIKTOK_SIGNER_API_KEY"),
            ("tiktok:\n  apiKey: value_leaked_1\ncreators: []\n", 2, "TIKTOK_SIGNER_API_KEY"),
            ("creators:\n  - username: someone\n    cookie: value_leaked_1\n", 3, "TIKTOK_SESSIONID"),
            ("defaults:\n  sessionID: value_leaked_1\ncreators: []\n", 2, "TIKTOK_SESSIONID"),
            ("tiktok:\n  proxy: http://h:1\n  password: value_leaked_1\ncreators: []\n", 3, "socks5h://user:password@host"),
            ("creators:\n  - username: someone\n    extra: {cookies: value_leaked_1}\n", 3, "TIKTOK_SESSIONID"),
        ]
        for (yaml, line, variable) in cases {
            let error = try #require(Support.error(yaml))
            #expect(error.line == line, "\(error)")
            #expect(error.message.contains("secrets never go in the configuration file; set"), "\(error)")
            #expect(error.message.contains(variable), "\(error)")
            #expect(!error.description.contains("value_leaked_1"))
        }
    }

    @Test func noSecretOrProxyPasswordAppearsInAnyRendering() throws {
        let path = try Support.temporaryFile("TIKTOK_TARGET_IDC=idc_secret_0000\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let yaml = """
            tiktok:
              proxy: socks5h://archivist:proxy_pw_1111@proxy.example:1080
              secretsFile: \(path)
            defaults:
              proxy: http://user:proxy_pw_2222@other.example:3128
            creators:
              - someone
              - username: another
                proxy: http://me:proxy_pw_3333@third.example:3128
            """
        let configuration = try Support.parse(yaml, environment: Self.environment)
        #expect(configuration.secrets.targetIDC == "idc_secret_0000")
        let secretTexts = [
            "euler_KEY_from_env_1234", "sess_from_env_5678", "idc_secret_0000", "proxy_pw_1111", "proxy_pw_2222", "proxy_pw_3333",
            "archivist",
        ]
        let renderings = [
            Support.everyRendering(of: configuration), Support.everyRendering(of: configuration.secrets),
            Support.everyRendering(of: configuration.creators), Support.everyRendering(of: configuration.tiktok),
            configuration.redactedSummary,
        ]
        for rendering in renderings {
            for secret in secretTexts { #expect(!rendering.contains(secret), "\(secret) in \(rendering)") }
        }
        #expect(configuration.description.contains("signerAPIKey <set>, sessionID <set>, targetIDC <set>"))
        #expect(configuration.description.contains("socks5h://<redacted>@proxy.example:1080"))
        #expect(Support.everyRendering(of: Secrets()).contains("signerAPIKey none"))
    }

    @Test func aBadProxyURLIsNotEchoedWithItsPassword() throws {
        let error = try #require(Support.error("tiktok:\n  proxy: \"ftp://user:proxy_pw_4444@host\"\ncreators: []\n"))
        #expect(error.line == 2)
        #expect(error.message.contains("ftp://<redacted>@host"))
        #expect(!error.description.contains("proxy_pw_4444"))
    }
}
