import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdWebSocket
import Logging
import NIOCore
import NIOHTTP1
import ServiceLifecycle
import TikTokLive

/// A local, faithful fake of TikTok LIVE: web API, webcast API, sign server, event WebSocket and FLV CDN, on one
/// loopback port, playing a ``SimulatorScenario``.
///
/// ``run(port:onListening:)`` serves until graceful shutdown or cancellation; the scenario plays alongside.
/// Everything the simulator does is logged in ``groundTruth`` for tests to compare against.
public final class TikTokSimulator: Sendable {
    /// What the simulator did.
    public let groundTruth = GroundTruth()
    /// Web-side failures to produce on demand (WAF, captcha, 403, 429, 302, age restriction).
    public let webFaults = WebFaults()
    /// Sign-server and WebSocket failures to produce on demand.
    public let transportFaults = TransportFaults()
    /// FLV CDN failures to produce on demand (stalls, drops, timestamp jumps, duplicated GOPs, bursts, latency).
    public let cdnFaults = CDNFaults()
    let rooms: [SimulatedRoom]
    let logger: Logger

    /// Creates a simulator for `scenario`. Nothing is served until ``run(port:onListening:)``.
    public init(scenario: SimulatorScenario = .builtIn(), logger: Logger) {
        self.logger = logger
        let groundTruth = self.groundTruth
        self.rooms = scenario.creators.map { SimulatedRoom(creator: $0, groundTruth: groundTruth, encoder: scenario.encoder) }
    }

    /// Serves on `127.0.0.1:port` (0 picks a free port) and plays the scenario, until cancelled or, when run inside
    /// a `ServiceGroup`, until graceful shutdown (which closes the server cleanly).
    /// - Parameter onListening: called once with the bound port, before any scenario step.
    /// - Throws: when the port cannot be bound.
    public func run(port: Int = 0, onListening: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let router = Router()
        router.add(middleware: GroundTruthMiddleware(groundTruth: self.groundTruth))
        self.addWebRoutes(to: router)
        self.addWebcastRoutes(to: router)
        self.addSignerRoutes(to: router)
        self.addHLSRoutes(to: router)
        let (started, startedContinuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: router,
            server: HTTPServerBuilder { responder in
                HandshakeGateChannel(
                    inner: HTTP1WebSocketUpgradeChannel(responder: responder, configuration: .init()) { request, _, _ in
                        try await self.shouldUpgrade(request)
                    },
                    shouldRefuse: { head in self.refusesHandshake(head) }
                )
            },
            configuration: .init(address: .hostname("127.0.0.1", port: port), serverName: "tiktok-sim"),
            onServerRunning: { channel in
                startedContinuation.yield(channel.localAddress?.port ?? port)
                startedContinuation.finish()
            },
            logger: self.logger
        )
        try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                try await app.run()
                return true
            }
            for await boundPort in started {
                await onListening(boundPort)
                break
            }
            for room in self.rooms {
                group.addTask {
                    try? await cancelWhenGracefulShutdown { try await self.play(room) }
                    // Cut short by shutdown: end the video and the sockets so open responses finish.
                    room.close()
                    return false
                }
            }
            // The server ends on graceful shutdown (of an enclosing ServiceGroup) or cancellation; then so do we.
            while let serverEnded = try await group.next(), !serverEnded {}
            group.cancelAll()
        }
    }

    /// Plays one creator: their scenario file timeline if they have one, else the built-in live (offline, live with
    /// chat and the ``EventScript``, ended with control action 3).
    private func play(_ room: SimulatedRoom) async throws {
        let creator = room.creator
        if let timeline = creator.timeline {
            try await ScenarioPlayer(simulator: self, room: room).play(timeline)
            return
        }
        try await Task.sleep(for: creator.liveAfter)
        try await room.goLive(logger: self.logger)
        self.logger.info("simulated live started", metadata: ["creator": "\(creator.uniqueID)"])
        let liveStart = ContinuousClock.now
        let chatStart = liveStart + .seconds(1)
        let liveEnd = ContinuousClock.now + creator.liveDuration
        let chatEnd = liveEnd - .seconds(1)
        // Likes, joins, viewer counts and the rest run beside the chat, on their own schedule, and stop with it.
        let index = try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await EventScript.play(into: room, start: liveStart, end: chatEnd) }
            // Each message has its own time on the schedule: a late wake-up (a loaded machine) sends it late, but
            // never drops the ones after it.
            var index = 0
            while chatStart + creator.chatInterval * (index + 1) < chatEnd {
                try await Task.sleep(until: chatStart + creator.chatInterval * index)
                let script = ChatScript.lines[index % ChatScript.lines.count]
                room.pushChat(script.comment, from: ChatScript.user(script.userIndex))
                index += 1
            }
            try await group.waitForAll()
            return index
        }
        try await Task.sleep(until: liveEnd)
        await room.end(action: self.transportFaults.omitsEndMessage ? nil : 3, linger: .seconds(1))
        self.logger.info("simulated live ended", metadata: ["creator": "\(creator.uniqueID)", "chat.count": "\(index)"])
    }

    /// Sends a gift streak into `username`'s live room, one frame per tap `interval` apart, as TikTok does for
    /// streakable gifts (type 1); `sendEnd: false` leaves out the final `repeat_end` frame, as TikTok sometimes does.
    /// A non-streakable gift is one frame. Returns when the last frame is pushed.
    /// - Throws: `CancellationError`; nothing happens when the user is unknown or not live.
    public func sendGift(
        to username: String, from viewer: Int = 0, giftID: Int64, name: String, type: Int64, diamondCount: Int64, count: Int64,
        sendEnd: Bool = true, interval: Duration = .milliseconds(100)
    ) async throws {
        guard let room = self.room(uniqueID: username), room.isOnAir else { return }
        let user = ChatScript.user(viewer)
        let groupID = Int64(Date().timeIntervalSince1970 * 1000) + Int64(viewer)
        guard type == 1 else {
            room.pushGift(
                giftID: giftID, name: name, type: type, diamondCount: diamondCount, repeatCount: count, repeatEnd: false,
                groupID: groupID, from: user
            )
            return
        }
        for tap in 1...max(1, count) {
            room.pushGift(
                giftID: giftID, name: name, type: type, diamondCount: diamondCount, repeatCount: tap, repeatEnd: false,
                groupID: groupID, from: user
            )
            try await Task.sleep(for: interval)
        }
        if sendEnd {
            room.pushGift(
                giftID: giftID, name: name, type: type, diamondCount: diamondCount, repeatCount: max(1, count), repeatEnd: true,
                groupID: groupID, from: user
            )
        }
    }

    func room(uniqueID: String) -> SimulatedRoom? { self.rooms.first { $0.creator.uniqueID == uniqueID } }
    func room(roomID: String) -> SimulatedRoom? { self.rooms.first { String($0.roomID) == roomID } }
    func room(streamID: Int64) -> SimulatedRoom? { self.rooms.first { $0.streamID == streamID } }
}

/// The built-in chat: varied scripts and lengths, emoji and right-to-left text.
enum ChatScript {
    static let lines: [(userIndex: Int, comment: String)] = [
        (0, "hello from the simulator 👋"),
        (1, "first!"),
        (2, "مرحبا بالجميع"),
        (3, "what game is this?"),
        (0, "😂😂😂"),
        (1, "this is a much longer comment that goes on for a while, to check that long lines survive the trip <b>&</b>"),
        (2, "שלום"),
        (3, "gg"),
    ]

    static let users: [(id: Int64, uniqueID: String, nickname: String)] = [
        (7_100_000_000_000_000_001, "viewer_one", "Viewer One"),
        (7_100_000_000_000_000_002, "viewer_two", "Zweiter Zuschauer"),
        (7_100_000_000_000_000_003, "viewer_three", "مشاهد"),
        (7_100_000_000_000_000_004, "viewer_four", "🎮 gamer"),
    ]

    static func user(_ index: Int) -> Webcast_User {
        let info = users[index % users.count]
        var user = Webcast_User()
        user.id = info.id
        user.idStr = String(info.id)
        user.displayID = info.uniqueID
        user.nickname = info.nickname
        return user
    }
}
