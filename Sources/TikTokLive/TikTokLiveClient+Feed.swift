// The feeds of live rooms: recommended lives and the Following live feed (protocol.md §1.5, service.md Part 2 §2b).

extension TikTokLiveClient {
    /// One page of TikTok's feed of recommended lives (`/webcast/feed/`, channel 86).
    ///
    /// Pass each page's ``LiveFeedPage/nextMaxTime`` to get the next, until ``LiveFeedPage/hasMore`` is false. Each
    /// ``FeedRoom/roomID`` can be handed on to track or record that room.
    /// - Parameter maxTime: `nil` for the first page, else the previous page's ``LiveFeedPage/nextMaxTime``.
    /// - Throws: ``TikTokLiveError/apiError(endpoint:code:message:)`` and the block and format errors of every web request.
    public func liveFeed(maxTime: Int64? = nil) async throws -> LiveFeedPage {
        let page = try await self.feedPage(channelID: "86", maxTime: maxTime)
        if let code = page.code, code != 0 {
            throw TikTokLiveError.apiError(endpoint: Self.feedEndpoint, code: code, message: page.message ?? "")
        }
        return page.page
    }

    /// One page of the Following live feed (`/webcast/feed/`, channel 42): the lives of creators the logged-in
    /// session (``TikTokLiveConfiguration/sessionID``) follows, as TikTok's web sidebar shows them. Only creators who
    /// are live are listed, so one sweep costs a request per page, not one per creator.
    ///
    /// Page as with ``liveFeed(maxTime:)``. On TikTok itself the request also needs the browser's signatures;
    /// without them TikTok answers as for no session.
    /// - Parameter maxTime: `nil` for the first page, else the previous page's ``LiveFeedPage/nextMaxTime``.
    /// - Throws: ``TikTokLiveError/sessionRequired(endpoint:)`` when no session is configured (nothing is sent) or
    ///   TikTok refuses it (`status_code` 10011); ``TikTokLiveError/apiError(endpoint:code:message:)`` for other codes;
    ///   and the block and format errors of every web request.
    public func followingFeed(maxTime: Int64? = nil) async throws -> LiveFeedPage {
        guard self.configuration.sessionID?.isEmpty == false else {
            throw TikTokLiveError.sessionRequired(endpoint: Self.feedEndpoint)
        }
        let page = try await self.feedPage(channelID: "42", maxTime: maxTime)
        switch page.code {
        case nil, 0: return page.page
        case 10011: throw TikTokLiveError.sessionRequired(endpoint: Self.feedEndpoint)
        case let code?: throw TikTokLiveError.apiError(endpoint: Self.feedEndpoint, code: code, message: page.message ?? "")
        }
    }

    static let feedEndpoint = "/webcast/feed/"

    /// Fetches one page of feed `channelID`: the page when TikTok sent its list, else TikTok's code and message.
    private func feedPage(channelID: String, maxTime: Int64?) async throws -> (page: LiveFeedPage, code: Int?, message: String?) {
        let endpoint = Self.feedEndpoint
        var parameters =
            WebClientParameters.query(userAgent: self.configuration.userAgent).filter { $0.0 != "channel" } + [
                ("channel", "tiktok_web"), ("channel_id", channelID),
            ]
        if let maxTime { parameters.append(("max_time", String(maxTime))) }
        let (response, _): (FeedResponse, String) = try await self.getJSON(
            base: self.configuration.webcastBaseURL, path: endpoint, parameters: parameters
        )
        let empty = LiveFeedPage(rooms: [], hasMore: false, nextMaxTime: nil)
        if let code = response.status_code, code != 0 {
            return (empty, code, response.refusal?.message ?? response.refusal?.prompts)
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
        return (LiveFeedPage(rooms: rooms, hasMore: hasMore, nextMaxTime: hasMore ? response.extra?.max_time : nil), nil, nil)
    }
}
