import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import TikTokRecorder

/// The recorder's status server: `GET /api/status` (the ``StatusSnapshot`` as JSON), `GET /healthz`, a status page at
/// `/`, and the operator's commands `POST /api/creators/{username}/check` and `…/stop`.
///
/// Reads the service only through ``RecorderControl``. Binds `host:port` (loopback by default; 0 picks a free port)
/// and serves until graceful shutdown or cancellation.
public struct StatusServer: Service, CustomStringConvertible {
    /// What the pages and the API show and command.
    public let control: any RecorderControl
    /// The address to bind.
    public let host: String
    /// The port to bind (0 picks a free one).
    public let port: Int
    let logger: Logger
    let onListening: @Sendable (Int) async -> Void

    /// The address only (swift-service-lifecycle logs every service's description).
    public var description: String { "StatusServer(\(self.host):\(self.port))" }

    /// Creates the server; nothing is bound until ``run()``.
    public init(
        control: any RecorderControl, host: String, port: Int, logger: Logger,
        onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) {
        self.control = control
        self.host = host
        self.port = port
        self.logger = logger
        self.onListening = onListening
    }

    /// Serves until graceful shutdown or cancellation.
    /// - Throws: when the address cannot be bound (the error names it).
    public func run() async throws {
        let router = Router()
        let control = self.control
        router.get("/healthz") { _, _ -> Response in
            let snapshot = await control.snapshot()
            let body = snapshot.shuttingDown ? #"{"status":"shutting down"}"# : #"{"status":"ok"}"#
            return Self.response(body, status: snapshot.shuttingDown ? .serviceUnavailable : .ok)
        }
        router.get("/api/status") { _, _ -> Response in
            Self.response(try Self.encoder.encode(await control.snapshot()))
        }
        router.post("/api/creators/:username/check") { _, context -> Response in
            let username = context.parameters.get("username") ?? ""
            let done = await control.checkNow(username)
            return Self.response(done ? #"{"ok":true}"# : #"{"error":"no such creator"}"#, status: done ? .accepted : .notFound)
        }
        router.post("/api/creators/:username/stop") { _, context -> Response in
            let username = context.parameters.get("username") ?? ""
            let done = await control.stopRecording(username)
            return Self.response(
                done ? #"{"ok":true}"# : #"{"error":"nothing is being recorded for that creator"}"#, status: done ? .accepted : .notFound)
        }
        router.get("/") { _, _ -> Response in
            Response(
                status: .ok, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: StatusPage.html))
            )
        }
        let onListening = self.onListening
        let requested = self.port
        let app = Application(
            router: router,
            configuration: .init(address: .hostname(self.host, port: self.port), serverName: "tiktok-recorder"),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? requested) },
            logger: self.logger
        )
        try await app.run()
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    static func response(_ body: String, status: HTTPResponse.Status = .ok) -> Response {
        Self.response(Data(body.utf8), status: status)
    }

    static func response(_ body: Data, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: body))
        )
    }
}
