import CurlTransport
import Testing

@testable import TikTokLive

/// Which proxy each kind of request takes, as gotiktoklive users expect from the environment.
struct ProxyResolverTests {
    @Test func httpsProxyAppliesToBothAndAllProxyToTheWebSocketOnly() {
        let configuration = TikTokLiveConfiguration()
        let both = ProxyResolver(configuration: configuration, environment: ["HTTPS_PROXY": "http://proxy:3128"])
        #expect(both.httpProxy == "http://proxy:3128")
        #expect(both.webSocketProxy == "http://proxy:3128")

        let socketOnly = ProxyResolver(configuration: configuration, environment: ["ALL_PROXY": "socks5://proxy:1080"])
        #expect(socketOnly.httpProxy == nil)
        #expect(socketOnly.webSocketProxy == "socks5://proxy:1080")

        let none = ProxyResolver(configuration: configuration, environment: [:])
        #expect(none.httpProxy == nil && none.webSocketProxy == nil)
    }

    @Test func explicitSettingsWinOverTheEnvironment() {
        var configuration = TikTokLiveConfiguration(proxy: "http://mine:8080")
        let resolved = ProxyResolver(configuration: configuration, environment: ["HTTPS_PROXY": "http://env:3128"])
        #expect(resolved.httpProxy == "http://mine:8080")
        #expect(resolved.webSocketProxy == "http://mine:8080")

        configuration.webSocketProxy = "socks5h://socket:1080"
        let split = ProxyResolver(configuration: configuration, environment: [:])
        #expect(split.httpProxy == "http://mine:8080")
        #expect(split.webSocketProxy == "socks5h://socket:1080")
    }

    @Test func proxyURLsParseAndBadOnesNameTheFix() throws {
        #expect(try ProxyEndpoint(url: "socks5h://127.0.0.1:9050") == ProxyEndpoint(kind: .socks5, host: "127.0.0.1", port: 9050))
        #expect(try ProxyEndpoint(url: "http://proxy") == ProxyEndpoint(kind: .httpConnect, host: "proxy", port: 8080))
        #expect(throws: ProxyEndpoint.ParseError.self) { try ProxyEndpoint(url: "ftp://proxy:21") }
        do {
            _ = try ProxyEndpoint(url: "http://user:secret@proxy:8080")
            Issue.record("credentials must be refused for the WebSocket")
        } catch {
            #expect(!"\(error)".contains("secret"), "the password must not be echoed")
        }
    }

    @Test func urlsShownToUsersHideCredentialsAndQueries() {
        #expect(CurlError.redact("http://user:secret@proxy:8080/path?token=abc") == "http://proxy:8080/path?…")
        #expect(CurlError.redact("socks5h://127.0.0.1:1080") == "socks5h://127.0.0.1:1080")
        #expect(CurlError.redact("https://cdn.example/live.flv?a=b@c") == "https://cdn.example/live.flv?…")
    }

    @Test func reconnectDelaysGrowAndStayBounded() {
        let policy = TikTokLiveConfiguration.ReconnectPolicy(maxAttempts: 8, initialDelay: .seconds(5), maxDelay: .seconds(60))
        let first = policy.delay(beforeAttempt: 1)
        let third = policy.delay(beforeAttempt: 3)
        let tenth = policy.delay(beforeAttempt: 10)
        #expect(first >= .seconds(5) && first <= .seconds(6))
        #expect(third >= .seconds(20) && third <= .seconds(24))
        #expect(tenth >= .seconds(60) && tenth <= .seconds(72))
    }
}
