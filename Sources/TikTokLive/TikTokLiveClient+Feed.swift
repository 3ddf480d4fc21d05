// The feed of recommended live rooms (protocol.md §1.5).

extension TikTokLiveClient {
    /// One page of TikTok's feed of recommended lives (`/webcast/feed/`).
    ///
    /// Pass each page's ``LiveFeedPage/nextMaxTime`` to get the next, until ``LiveFeedPage/hasMore`` is false. Each
    /// ``FeedRoom/roomID`` can be handed on to track or record that room.
    /// - Parameter maxTime: `nil` for the first page, else the previous page's ``LiveFeedPage/nextMaxTime``.
    /// - Throws: ``TikTokLiveError/apiError(endpoint:code:message:)`` and the block and format errors of every web request.
    public func liveFeed(maxTime: Int64? = nil) async throws -> LiveFeedPage {
        let endpoint = "/webcast/feed/"
        var parameters =
            WebClientParameters.query(userAgent: self.configuration.userAgent).filter { $0.0 != "channel" } + [
                ("channel", "tiktok_web"), ("channel_id", "86"),
            ]
        if let maxTime { parameters.append(("max_time", String(maxTime))) }
        let (response, _): (FeedResponse, String) = try await self.getJSON(
            base: self.configuration.webcastBaseURL, path: endpoint, parameters: parameters
        )
        if let code = response.status_code, code != 0 {
            throw TikTokLiveError.apiError(endpoint: endpoint, code: code, message: "")
        }
        guard let items = response.data else {
            throw TikTokLiveError.malformedResponse(endpoint: endpoint, reason: "no data list in the feed")
        }
        let rooms = items.compactMap { item -> FeedRoom? in
            guard let id = Self.nonEmpty(item.rid) ?? Self.nonEmpty(item.data?.id_str),
                let room = item.data?.roomInfo(fallbackID: id)
            else { return nil }
            return FeedRoom(roomID: id, liveReason: Self.nonEmpty(item.live_reason), room: room)
        }
        let hasMore = response.extra?.has_more ?? false
        return LiveFeedPage(rooms: rooms, hasMore: hasMore, nextMaxTime: hasMore ? response.extra?.max_time : nil)
    }
}
