import CurlTransport
import Foundation
import Logging
import Testing
import TikTokLive
import TikTokSimulator

/// Requests through ``LocalProxy`` (HTTP forwarding, HTTP CONNECT, SOCKS5) reach an in-process simulator, and the
/// proxy counts what it carried, so a test can prove traffic did not go direct.
@Suite struct ProxyTests {
    static let quiet = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
    static let userPath = "/api-live/user/room/?uniqueId=sim_creator&sourceType=54"

    /// Runs a simulator and a proxy on free loopback ports for the length of `body`.
    static func withSimulatorAndProxy<Result: Sendable>(
        _ body: (_ simulatorPort: Int, _ proxy: LocalProxy, _ proxyPort: Int) async throws -> Result
    ) async throws -> Result {
        try await SimulatorHarness.with(.builtIn(liveAfter: .zero, liveDuration: .seconds(60))) { _, baseURL in
            try await SimulatorHarness.withProxy { proxy, port in
                let simulatorPort = try #require(Int(baseURL.split(separator: ":").last ?? ""))
                return try await body(simulatorPort, proxy, port)
            }
        }
    }

    @Test(arguments: [("http", LocalProxy.Method.httpForward), ("socks5h", .socks5), ("socks5", .socks5)])
    func curlRequestsGoThroughTheProxy(scheme: String, method: LocalProxy.Method) async throws {
        try await Self.withSimulatorAndProxy { simulatorPort, proxy, proxyPort in
            let response = try await CurlHTTPClient().send(
                HTTPRequest(url: "http://127.0.0.1:\(simulatorPort)\(Self.userPath)", proxy: "\(scheme)://127.0.0.1:\(proxyPort)")
            )
            #expect(response.status == 200)
            #expect(response.text.contains("\"uniqueId\":\"sim_creator\""))
            #expect(proxy.tunnels.count == 1)
            #expect(proxy.connectionCount(to: "127.0.0.1:\(simulatorPort)", method: method) == 1)
        }
    }

    @Test(arguments: ["http", "socks5h"])
    func theClientLooksUpAUserThroughTheProxy(scheme: String) async throws {
        try await Self.withSimulatorAndProxy { simulatorPort, proxy, proxyPort in
            var configuration = TikTokLiveConfiguration.simulator(baseURL: "http://127.0.0.1:\(simulatorPort)")
            configuration.proxy = "\(scheme)://127.0.0.1:\(proxyPort)"
            let user = try await TikTokLiveClient(configuration: configuration, logger: Self.quiet).userInfo(username: "sim_creator")
            #expect(user.uniqueID == "sim_creator")
            #expect(proxy.connectionCount(to: "127.0.0.1:\(simulatorPort)") >= 1)
            #expect(proxy.tunnels.allSatisfy { $0.method == (scheme == "http" ? .httpForward : .socks5) })
        }
    }

    @Test func aConnectTunnelCarriesARequestAndItsAnswer() async throws {
        try await Self.withSimulatorAndProxy { simulatorPort, proxy, proxyPort in
            let (established, answer) = try await runOnDedicatedThread(name: "raw-client") {
                let socket = try RawSocket(port: proxyPort)
                defer { socket.close() }
                try socket.send("CONNECT 127.0.0.1:\(simulatorPort) HTTP/1.1\r\nHost: 127.0.0.1:\(simulatorPort)\r\n\r\n")
                let established = try socket.read(until: "\r\n\r\n")
                try socket.send("GET \(Self.userPath) HTTP/1.1\r\nHost: 127.0.0.1:\(simulatorPort)\r\nConnection: close\r\n\r\n")
                return (established, try socket.readToEnd())
            }
            #expect(established.hasPrefix("HTTP/1.1 200"))
            #expect(answer.hasPrefix("HTTP/1.1 200"))
            #expect(answer.contains("\"uniqueId\":\"sim_creator\""))
            #expect(proxy.connectionCount(to: "127.0.0.1:\(simulatorPort)", method: .httpConnect) == 1)
        }
    }

    @Test func anUnreachableTargetIsRefusedAndNotCounted() async throws {
        try await Self.withSimulatorAndProxy { _, proxy, proxyPort in
            let closedPort = try RawSocket.unusedPort()
            let url = "http://127.0.0.1:\(closedPort)/"
            let viaHTTP = try await CurlHTTPClient().send(HTTPRequest(url: url, proxy: "http://127.0.0.1:\(proxyPort)"))
            #expect(viaHTTP.status == 502)
            await #expect(throws: CurlError.self) {
                try await CurlHTTPClient().send(HTTPRequest(url: url, proxy: "socks5h://127.0.0.1:\(proxyPort)"))
            }
            #expect(proxy.tunnels.isEmpty)
        }
    }

    @Test func cancellingTheProxyClosesOpenTunnelsAndReturns() async throws {
        let simulator = TikTokSimulator(scenario: .builtIn(liveAfter: .zero, liveDuration: .seconds(60)), logger: Self.quiet)
        let proxy = LocalProxy(logger: Self.quiet)
        let (simulatorPorts, simulatorPort) = AsyncStream.makeStream(of: Int.self)
        let (proxyPorts, proxyPort) = AsyncStream.makeStream(of: Int.self)
        let (stop, stopProxy) = AsyncStream.makeStream(of: Never.self)
        try await withThrowingTaskGroup(of: String.self) { group in
            group.addTask {
                try await simulator.run(port: 0) { simulatorPort.yield($0) }
                return "simulator"
            }
            group.addTask {
                try await withThrowingTaskGroup(of: Void.self) { proxyGroup in
                    proxyGroup.addTask { try await proxy.run { proxyPort.yield($0) } }
                    for await _ in stop {}
                    proxyGroup.cancelAll()
                    try await proxyGroup.waitForAll()
                }
                return "proxy stopped"
            }
            defer { group.cancelAll() }
            var simulatorIterator = simulatorPorts.makeAsyncIterator()
            var proxyIterator = proxyPorts.makeAsyncIterator()
            let target = try #require(await simulatorIterator.next())
            let port = try #require(await proxyIterator.next())
            let socket = try await runOnDedicatedThread(name: "raw-client") {
                let socket = try RawSocket(port: port)
                try socket.send("CONNECT 127.0.0.1:\(target) HTTP/1.1\r\n\r\n")
                _ = try socket.read(until: "\r\n\r\n")
                return socket
            }
            defer { socket.close() }
            #expect(proxy.tunnels.count == 1)

            // `run` must return by itself once cancelled; the watchdog fails the test if it hangs.
            group.addTask {
                try await Task.sleep(for: .seconds(10))
                return "watchdog"
            }
            stopProxy.finish()
            #expect(try await group.next() == "proxy stopped")
            // The open tunnel was closed: the client sees the end of the stream rather than a read timeout.
            let rest = try await runOnDedicatedThread(name: "raw-client") { try socket.readToEnd() }
            #expect(rest.isEmpty)
        }
    }
}
