import CurlTransport
import Foundation
import Logging

// Username → user, room id and live status (protocol.md §1.2).

extension TikTokLiveClient {
    /// Looks a user up by @username: the JSON API (`/api-live/user/room/`) first and, when TikTok refuses it with a
    /// firewall or captcha page or an answer that cannot be read, the `SIGI_STATE` JSON of the live page.
    ///
    /// Live means the room's `status == 2`; a room id alone never means live (TikTok keeps the last one).
    /// - Parameter username: the @username, with or without the @.
    /// - Throws: ``TikTokLiveError/userNotFound(username:)``, and the block errors of both pages
    ///   (``TikTokLiveError/blocked(endpoint:)``, ``TikTokLiveError/rateLimited(endpoint:retryAfter:)``,
    ///   ``TikTokLiveError/challengePage(endpoint:kind:)``, ``TikTokLiveError/countryBlocked(endpoint:)``); when both
    ///   pages fail, the live page's error.
    public func userInfo(username: String) async throws -> UserInfo {
        let username = Self.bareUsername(username)
        do {
            return try await self.userInfoFromAPI(username: username)
        } catch let error as TikTokLiveError where Self.livePageMayHelp(after: error) {
            self.logger.debug(
                "user API refused; reading the live page instead", metadata: ["user": "\(username)", "error": "\(error)"]
            )
            return try await self.userInfoFromLivePage(username: username)
        }
    }

    /// Looks a user up through the JSON API `/api-live/user/room/` only.
    /// - Throws: ``TikTokLiveError/userNotFound(username:)``, ``TikTokLiveError/ageRestricted(code:)`` (status 4003110),
    ///   ``TikTokLiveError/apiError(endpoint:code:message:)``, and the block and format errors of every web request.
    public func userInfoFromAPI(username: String) async throws -> UserInfo {
        let username = Self.bareUsername(username)
        let endpoint = "/api-live/user/room/"
        let parameters =
            WebClientParameters.query(userAgent: self.configuration.userAgent) + [("uniqueId", username), ("sourceType", "54")]
        let (response, _): (APILiveUserRoomResponse, String) = try await self.getJSON(
            base: self.configuration.webBaseURL, path: endpoint, parameters: parameters
        )
        if response.message == "user_not_found" { throw TikTokLiveError.userNotFound(username: username) }
        if let code = response.statusCode, code != 0 {
            if code == 4_003_110 { throw TikTokLiveError.ageRestricted(code: code) }
            throw TikTokLiveError.apiError(endpoint: endpoint, code: code, message: response.message ?? "")
        }
        guard let data = response.data, let user = data.user else {
            throw TikTokLiveError.userNotFound(username: username)
        }
        return Self.userInfo(
            user, stats: data.stats, username: username, liveStatus: data.liveRoom?.status, liveTitle: data.liveRoom?.title,
            viewerCount: data.liveRoom?.liveRoomStats?.userCount, liveStartTime: data.liveRoom?.startTime, source: .api
        )
    }

    /// Looks a user up through the `SIGI_STATE` JSON of `/@username/live` only (no query parameters, as a browser).
    /// - Throws: ``TikTokLiveError/userNotFound(username:)`` when the page has no `LiveRoom` (the user does not exist
    ///   or never went live), ``TikTokLiveError/challengePage(endpoint:kind:)`` when it has no `SIGI_STATE`, and the
    ///   block errors of every web request.
    public func userInfoFromLivePage(username: String) async throws -> UserInfo {
        let username = Self.bareUsername(username)
        let path = "/@\(WebClientParameters.percentEncode(username))/live"
        let endpoint = "/@\(username)/live"
        let response: HTTPResponse
        do {
            response = try await self.get(
                base: self.configuration.webBaseURL, path: path, parameters: [], expecting: .livePage, endpoint: endpoint
            )
        } catch TikTokLiveError.httpStatus(_, 404) {
            throw TikTokLiveError.userNotFound(username: username)
        }
        guard let script = SIGIState.scriptText(in: response.text) else {
            throw TikTokLiveError.challengePage(endpoint: endpoint, kind: .captcha)
        }
        let state: SIGIState
        do {
            state = try JSONDecoder().decode(SIGIState.self, from: Data(script.utf8))
        } catch {
            throw TikTokLiveError.malformedResponse(endpoint: endpoint, reason: "SIGI_STATE is not the expected JSON (\(error))")
        }
        guard let info = state.LiveRoom?.liveRoomUserInfo, let user = info.user else {
            throw TikTokLiveError.userNotFound(username: username)
        }
        return Self.userInfo(
            user, stats: info.stats, username: username, liveStatus: info.liveRoom?.status, liveTitle: info.liveRoom?.title,
            viewerCount: info.liveRoom?.liveRoomStats?.userCount, liveStartTime: info.liveRoom?.startTime, source: .livePage
        )
    }

    /// Whether the live page can answer where the API failed with `error`: not for a missing user, nor for blocks of
    /// the whole IP or country (another request would only make those worse).
    static func livePageMayHelp(after error: TikTokLiveError) -> Bool {
        switch error {
        case .challengePage, .malformedResponse, .httpStatus, .apiError: true
        default: false
        }
    }

    static func bareUsername(_ username: String) -> String {
        let trimmed = username.trimmingCharacters(in: .whitespaces)
        return trimmed.hasPrefix("@") ? String(trimmed.dropFirst()) : trimmed
    }

    static func nonEmpty(_ text: String?) -> String? {
        guard let text, !text.isEmpty else { return nil }
        return text
    }

    /// The user value from the user and stats objects the JSON API and the live page share; live status from the room
    /// when it has one, else from the user.
    private static func userInfo(
        _ user: APILiveUserRoomResponse.DataBody.User, stats: APILiveUserRoomResponse.DataBody.Stats?, username: String,
        liveStatus: Int?, liveTitle: String?, viewerCount: Int64?, liveStartTime: Int64?, source: UserInfo.Source
    ) -> UserInfo {
        UserInfo(
            id: user.id ?? "",
            uniqueID: user.uniqueId ?? username,
            nickname: user.nickname ?? "",
            followerCount: stats?.followerCount,
            roomID: Self.nonEmpty(user.roomId),
            liveStatus: liveStatus ?? user.status ?? RoomStatus.ended,
            followingCount: stats?.followingCount,
            secUID: Self.nonEmpty(user.secUid),
            signature: user.signature ?? "",
            avatarURL: Self.nonEmpty(user.avatarLarger),
            liveTitle: Self.nonEmpty(liveTitle),
            viewerCount: viewerCount,
            liveStartTime: liveStartTime,
            source: source
        )
    }
}
