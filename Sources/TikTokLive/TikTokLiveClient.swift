import CurlTransport
import Foundation
import Logging

/// The entry point of the library: looks up users and rooms and opens a room's event feed.
///
/// A value type holding configuration only; every call is independent and safe to make concurrently.
/// HTTP goes through libcurl on dedicated threads, the event feed through a WebSocket.
///
/// ```swift
/// let client = TikTokLiveClient(configuration: .init(), logger: logger)
/// let user = try await client.userInfo(username: "someone")
/// if user.isLive, let roomID = user.roomID {
///     try await client.withLiveEvents(roomID: roomID) { events in
///         for try await event in events { print(event.type) }
///     }
/// }
/// ```
public struct TikTokLiveClient: Sendable {
    /// Where TikTok is and who we claim to be.
    public let configuration: TikTokLiveConfiguration
    let http: CurlHTTPClient
    let logger: Logger

    /// Creates a client. Nothing is fetched until a method is called.
    public init(configuration: TikTokLiveConfiguration, logger: Logger) {
        self.configuration = configuration
        self.http = CurlHTTPClient(defaultUserAgent: configuration.userAgent)
        self.logger = logger
    }

    /// Looks a user up by @username through the JSON API (`/api-live/user/room/`).
    ///
    /// Live means `liveRoom.status == 2`; a room id alone never means live.
    /// - Throws: ``TikTokLiveError/userNotFound(username:)``, ``TikTokLiveError/httpStatus(endpoint:status:)``,
    ///   ``TikTokLiveError/apiError(endpoint:code:message:)``, ``TikTokLiveError/malformedResponse(endpoint:reason:)``.
    public func userInfo(username: String) async throws -> UserInfo {
        let endpoint = "/api-live/user/room/"
        let parameters =
            WebClientParameters.query(userAgent: self.configuration.userAgent) + [
                ("uniqueId", username), ("sourceType", "54"),
            ]
        let response: APILiveUserRoomResponse = try await self.getJSON(
            base: self.configuration.webBaseURL, path: endpoint, parameters: parameters
        )
        if response.message == "user_not_found" { throw TikTokLiveError.userNotFound(username: username) }
        if let code = response.statusCode, code != 0 {
            throw TikTokLiveError.apiError(endpoint: endpoint, code: code, message: response.message ?? "")
        }
        guard let data = response.data, let user = data.user else {
            throw TikTokLiveError.userNotFound(username: username)
        }
        let roomID = user.roomId.flatMap { $0.isEmpty ? nil : $0 }
        return UserInfo(
            id: user.id ?? "",
            uniqueID: user.uniqueId ?? username,
            nickname: user.nickname ?? "",
            followerCount: data.stats?.followerCount,
            roomID: roomID,
            liveStatus: data.liveRoom?.status ?? RoomStatus.ended
        )
    }

    /// Fetches a room's info and stream variants (`/webcast/room/info/`).
    /// - Throws: ``TikTokLiveError`` as for ``userInfo(username:)``.
    public func roomInfo(roomID: String) async throws -> RoomInfo {
        let endpoint = "/webcast/room/info/"
        let parameters = WebClientParameters.query(userAgent: self.configuration.userAgent) + [("room_id", roomID)]
        let response: RoomInfoResponse = try await self.getJSON(
            base: self.configuration.webcastBaseURL, path: endpoint, parameters: parameters
        )
        if let code = response.status_code, code != 0 {
            throw TikTokLiveError.apiError(endpoint: endpoint, code: code, message: response.data?.message ?? "")
        }
        guard let room = response.data, let status = room.status else {
            throw TikTokLiveError.malformedResponse(endpoint: endpoint, reason: "no data.status in the room info")
        }
        return RoomInfo(
            id: room.id_str ?? roomID,
            status: status,
            title: room.title ?? "",
            ownerUniqueID: room.owner?.display_id ?? "",
            ownerNickname: room.owner?.nickname ?? "",
            startTime: room.start_time ?? room.create_time,
            variants: room.stream_url?.variants() ?? []
        )
    }

    // MARK: - HTTP

    private func getJSON<Response: Decodable>(base: String, path: String, parameters: [(String, String)]) async throws -> Response {
        let url = WebClientParameters.url(base: base, path: path, parameters: parameters)
        var cookies = "tt-target-idc=\(self.configuration.targetIDC)"
        if let session = self.configuration.sessionID { cookies += "; sessionid=\(session); sessionid_ss=\(session); sid_tt=\(session)" }
        let response = try await self.http.send(
            HTTPRequest(
                url: url,
                headers: [
                    ("Accept", "text/html,application/json,application/protobuf"),
                    ("Referer", "https://www.tiktok.com/"), ("Origin", "https://www.tiktok.com"),
                    ("Accept-Language", "en-US,en;q=0.9"), ("Cookie", cookies),
                ],
                proxy: self.configuration.proxy
            )
        )
        guard response.status == 200 else { throw TikTokLiveError.httpStatus(endpoint: path, status: response.status) }
        do {
            return try JSONDecoder().decode(Response.self, from: Data(response.body))
        } catch {
            let start = response.text.prefix(120).replacingOccurrences(of: "\n", with: " ")
            throw TikTokLiveError.malformedResponse(endpoint: path, reason: "not the expected JSON (starts with: \(start))")
        }
    }
}
