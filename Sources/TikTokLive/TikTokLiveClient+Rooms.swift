import Foundation

// Room info by id or by username, and the batched live check (protocol.md §1.3, §1.4).

extension TikTokLiveClient {
    /// Fetches a room's status, host, counters and stream variants (`/webcast/room/info/`).
    ///
    /// An ended room is returned with its status (4), not thrown; check ``RoomInfo/isLive``.
    /// - Throws: ``TikTokLiveError/ageRestricted(code:)`` (4003110, 10011), ``TikTokLiveError/privateLive(reason:)``,
    ///   ``TikTokLiveError/roomNotFound(roomID:)``, ``TikTokLiveError/offline(_:)`` (TikTok's "room has finished"),
    ///   and the block and format errors of every web request.
    public func roomInfo(roomID: String) async throws -> RoomInfo {
        let endpoint = "/webcast/room/info/"
        let parameters = WebClientParameters.query(userAgent: self.configuration.userAgent) + [("room_id", roomID)]
        let (response, text): (RoomInfoResponse, String) = try await self.getJSON(
            base: self.configuration.webcastBaseURL, path: endpoint, parameters: parameters
        )
        return try Self.room(
            from: response, text: text, endpoint: endpoint, fallbackID: roomID,
            notFound: .roomNotFound(roomID: roomID), subject: "room \(roomID)"
        )
    }

    /// Fetches the room of a user by @username in one request (`/webcast/room/info_by_user/`).
    /// - Throws: ``TikTokLiveError/userNotFound(username:)``, ``TikTokLiveError/offline(_:)`` when the user has no
    ///   room, and the errors of ``roomInfo(roomID:)``.
    public func roomInfo(username: String) async throws -> RoomInfo {
        let username = Self.bareUsername(username)
        let endpoint = "/webcast/room/info_by_user/"
        let parameters = WebClientParameters.query(userAgent: self.configuration.userAgent) + [("unique_id", username)]
        let (response, text): (RoomInfoResponse, String) = try await self.getJSON(
            base: self.configuration.webcastBaseURL, path: endpoint, parameters: parameters
        )
        return try Self.room(
            from: response, text: text, endpoint: endpoint, fallbackID: "",
            notFound: .userNotFound(username: username), subject: "@\(username)"
        )
    }

    /// The room a user is live in now: ``userInfo(username:)``, then ``roomInfo(roomID:)``, both required to say live.
    /// - Throws: ``TikTokLiveError/offline(_:)`` when the user or the room is not live, and the errors of both calls.
    public func liveRoomInfo(username: String) async throws -> RoomInfo {
        let user = try await self.userInfo(username: username)
        guard user.isLive, let roomID = user.roomID else { throw TikTokLiveError.offline("@\(user.uniqueID)") }
        let room = try await self.roomInfo(roomID: roomID)
        guard room.isLive else { throw TikTokLiveError.offline("@\(user.uniqueID)") }
        return room
    }

    /// Asks which of `roomIDs` are live, in one POST per batch of up to 50 unique ids (`/webcast/room/check_alive/`,
    /// form body `room_ids=<id>,<id>,…`), matching each answer by its exact `room_id_str`.
    ///
    /// A paused live (room status 3) is alive. TikTok has answered `alive: true` for rooms that were not live
    /// (2026-07-15): confirm a start with ``roomInfo(roomID:)``.
    /// - Returns: live or not per room id; an id TikTok does not know (or did not report) is absent.
    /// - Throws: ``TikTokLiveError/apiError(endpoint:code:message:)`` and the block and format errors of every web request.
    public func isLive(roomIDs: [String]) async throws -> [String: Bool] {
        let endpoint = "/webcast/room/check_alive/"
        var alive: [String: Bool] = [:]
        var unique: [String] = []
        var seen: Set<String> = []
        for id in roomIDs where seen.insert(id).inserted { unique.append(id) }
        for start in stride(from: 0, to: unique.count, by: Self.checkAliveBatchSize) {
            let batch = unique[start..<min(start + Self.checkAliveBatchSize, unique.count)]
            let (response, _): (CheckAliveResponse, String) = try await self.getJSON(
                base: self.configuration.webcastBaseURL, path: endpoint,
                parameters: WebClientParameters.query(userAgent: self.configuration.userAgent),
                form: [("room_ids", batch.joined(separator: ","))]
            )
            if let code = response.status_code, code != 0 {
                throw TikTokLiveError.apiError(endpoint: endpoint, code: code, message: "")
            }
            for entry in response.data ?? [] {
                // Ids exceed 2^53: only the string twin is exact.
                guard let id = entry.room_id_str, batch.contains(id) else { continue }
                alive[id] = entry.alive ?? false
            }
        }
        return alive
    }

    /// The most room ids one `check_alive` request carries (the only cap seen, in TikHub's wrapper).
    static let checkAliveBatchSize = 50

    /// Asks whether one room is live (`/webcast/room/check_alive/`).
    /// - Throws: ``TikTokLiveError/roomNotFound(roomID:)`` when TikTok does not report the room, and the errors of
    ///   ``isLive(roomIDs:)``.
    public func isLive(roomID: String) async throws -> Bool {
        guard let alive = try await self.isLive(roomIDs: [roomID])[roomID] else {
            throw TikTokLiveError.roomNotFound(roomID: roomID)
        }
        return alive
    }

    /// Reads a room/info-style answer: refusals by TikTok's wording first, then by code, then the room.
    static func room(
        from response: RoomInfoResponse, text: String, endpoint: String, fallbackID: String, notFound: TikTokLiveError,
        subject: String
    ) throws -> RoomInfo {
        let code = response.status_code ?? 0
        let data = response.data
        let refused = code != 0 || data?.status == nil
        if refused {
            if let error = Self.privateLiveError(in: text) { throw error }
            let message = [data?.message, data?.prompts].compactMap { $0 }.joined(separator: " ").lowercased()
            if message.contains("user_not_found") || message.contains("not found") || message.contains("not exist") {
                throw notFound
            }
            switch code {
            case 4_003_110, 10011: throw TikTokLiveError.ageRestricted(code: code)
            case 30003: throw TikTokLiveError.offline(subject)
            case 0:
                // PyTTL's rule: a `data` holding only prompts is a restricted room.
                if data?.prompts != nil { throw TikTokLiveError.ageRestricted(code: code) }
            default:
                throw TikTokLiveError.apiError(endpoint: endpoint, code: code, message: data?.message ?? data?.prompts ?? "")
            }
        }
        guard let room = data?.roomInfo(fallbackID: fallbackID) else {
            throw TikTokLiveError.malformedResponse(endpoint: endpoint, reason: "no data.status in the room info")
        }
        return room
    }

    /// TikTok's own words for lives that are not public (the Recorder's checks, protocol.md §1.4).
    static func privateLiveError(in text: String) -> TikTokLiveError? {
        if text.contains("Follow the creator to watch their LIVE") {
            return .privateLive(reason: "TikTok says: Follow the creator to watch their LIVE")
        }
        if text.contains("This account is private") {
            return .privateLive(reason: "TikTok says: This account is private")
        }
        return nil
    }
}
