import Logging

// Tracking a room's events (protocol.md §3).

extension TikTokLiveClient {
    /// Looks `username` up, checks that they are live, and prepares to track their room.
    /// - Throws: ``TikTokLiveError/offline(_:)`` when the user is not live, and whatever ``userInfo(username:)`` and
    ///   ``trackRoom(roomID:)`` throw.
    public func trackUser(username: String) async throws -> Live {
        let user = try await self.userInfo(username: username)
        guard user.isLive, let roomID = user.roomID else { throw TikTokLiveError.offline("@\(username)") }
        return try await self.trackRoom(roomID: roomID)
    }

    /// Fetches the room's info and prepares to track its events; await ``Live/run()`` to connect.
    /// - Throws: ``TikTokLiveError/offline(_:)`` when the room is not live, and whatever ``roomInfo(roomID:)`` throws;
    ///   ``WebSocketTraceError`` when the configured trace file cannot be opened.
    public func trackRoom(roomID: String) async throws -> Live {
        let info = try await self.roomInfo(roomID: roomID)
        guard info.status == RoomStatus.live else { throw TikTokLiveError.offline("room \(roomID)") }
        let gifts: [GiftInfo]
        do {
            gifts = try await self.giftCatalogue(roomID: roomID)
        } catch {
            // Gift messages carry their own name and price; the catalogue only fills gaps, so it is not worth failing for.
            self.logger.warning("gift catalogue unavailable", metadata: ["room.id": "\(roomID)", "error": "\(error)"])
            gifts = []
        }
        return try self.makeLive(roomID: roomID, roomInfo: info, gifts: gifts)
    }

    /// Tracks a room found in the live feed ("track this one").
    /// - Throws: as ``trackRoom(roomID:)``.
    public func trackRoom(_ feedRoom: FeedRoom) async throws -> Live {
        try await self.trackRoom(roomID: feedRoom.roomID)
    }

    /// Opens the room's event feed and hands `body` the stream of its events; the lightweight form of
    /// ``trackRoom(roomID:)`` for callers that already know the room is live.
    ///
    /// The feed runs in a child task for as long as `body` runs; when `body` returns the feed is closed.
    /// The sequence ends when the stream ends and throws if the feed fails for good.
    public func withLiveEvents<Result: Sendable>(
        roomID: String,
        _ body: (AsyncThrowingStream<LiveEvent, any Error>) async throws -> Result
    ) async throws -> Result {
        let live = try self.makeLive(roomID: roomID, roomInfo: nil, gifts: [])
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try? await live.run() }
            defer { live.close() }
            return try await body(live.events)
        }
    }

    /// Which proxy HTTP requests and the WebSocket use (configuration first, then the environment).
    var proxies: ProxyResolver { ProxyResolver(configuration: self.configuration) }

    func makeLive(roomID: String, roomInfo: RoomInfo?, gifts: [GiftInfo]) throws -> Live {
        var trace: WebSocketTraceWriter?
        if let path = self.configuration.webSocketTraceFile { trace = try WebSocketTraceWriter(path: path) }
        let logger = self.logger
        var observe: (@Sendable (Bool, [UInt8]) -> Void)?
        if let writer = trace {
            observe = { sent, bytes in
                do {
                    try writer.record(sent ? WebSocketTraceRecord.Direction.sent : .received, bytes)
                } catch {
                    logger.warning("WebSocket trace write failed", metadata: ["error": "\(error)"])
                }
            }
        }
        let connection = self.makeConnection(roomID: roomID, observeMessage: observe)
        return Live(roomID: roomID, roomInfo: roomInfo, gifts: gifts, connection: connection, trace: trace)
    }

    /// Whether a room whose socket dropped is still live: `check_alive` first, and an "alive" answer confirmed by
    /// room info (status 2 or 3), because `check_alive` has answered "alive" for rooms that had ended (July 2026).
    func isRoomStillLive(roomID: String) async throws -> Bool {
        guard try await self.isLive(roomID: roomID) else { return false }
        do {
            let status = try await self.roomInfo(roomID: roomID).status
            return status == RoomStatus.live || status == RoomStatus.paused
        } catch TikTokLiveError.offline {
            return false
        } catch TikTokLiveError.roomNotFound {
            return false
        }
    }

    func makeConnection(roomID: String, observeMessage: (@Sendable (Bool, [UInt8]) -> Void)?) -> WebcastConnection {
        let signer = SignerClient(
            configuration: self.configuration, http: self.http, httpProxy: self.proxies.httpProxy,
            limiter: .shared(for: self.configuration), logger: self.logger
        )
        return WebcastConnection(
            roomID: roomID, configuration: self.configuration, http: self.http, signer: signer, proxies: self.proxies,
            logger: self.logger,
            isRoomAlive: { try await self.isRoomStillLive(roomID: roomID) },
            observeMessage: observeMessage
        )
    }
}
