// The gift catalogue and the coin price list (protocol.md §1.5).

extension TikTokLiveClient {
    /// TikTok's gift catalogue (`/webcast/gift/list/`): names and prices to look up a gift event's `gift_id`.
    /// - Parameter roomID: a room whose catalogue to read (rooms can differ by region), or `nil` for the default.
    /// - Throws: ``TikTokLiveError/apiError(endpoint:code:message:)`` and the block and format errors of every web request.
    public func giftCatalogue(roomID: String? = nil) async throws -> [GiftInfo] {
        let endpoint = "/webcast/gift/list/"
        var parameters = WebClientParameters.query(userAgent: self.configuration.userAgent)
        if let roomID { parameters.append(("room_id", roomID)) }
        let (response, _): (GiftListResponse, String) = try await self.getJSON(
            base: self.configuration.webcastBaseURL, path: endpoint, parameters: parameters
        )
        if let code = response.status_code, code != 0 {
            throw TikTokLiveError.apiError(endpoint: endpoint, code: code, message: response.data?.message ?? "")
        }
        guard let gifts = response.data?.gifts else {
            throw TikTokLiveError.malformedResponse(endpoint: endpoint, reason: "no data.gifts in the gift list")
        }
        return gifts.compactMap { gift in
            guard let id = gift.id else { return nil }
            return GiftInfo(
                id: id, name: gift.name ?? "", diamondCount: gift.diamond_count ?? 0, type: gift.type ?? 0,
                describe: gift.describe ?? "", imageURL: (gift.image?.url_list ?? gift.icon?.url_list)?.first
            )
        }
    }

    /// TikTok's coin packages and prices (`/webcast/wallet_api/fs/diamond`), cheapest first.
    /// - Throws: ``TikTokLiveError/apiError(endpoint:code:message:)`` and the block and format errors of every web request.
    public func coinPrices() async throws -> [CoinPrice] {
        let endpoint = "/webcast/wallet_api/fs/diamond"
        let (response, _): (CoinPriceResponse, String) = try await self.getJSON(
            base: self.configuration.webcastBaseURL, path: endpoint,
            parameters: WebClientParameters.query(userAgent: self.configuration.userAgent)
        )
        if let code = response.status_code, code != 0 {
            throw TikTokLiveError.apiError(endpoint: endpoint, code: code, message: "")
        }
        guard let packages = response.data else {
            throw TikTokLiveError.malformedResponse(endpoint: endpoint, reason: "no data list in the coin price list")
        }
        return packages.compactMap { package -> CoinPrice? in
            guard let id = package.id, let coins = package.diamond_count else { return nil }
            return CoinPrice(
                id: id, coins: coins, usdCents: package.price ?? 0,
                localPrices: (package.currency_price ?? []).compactMap { price in
                    guard let currency = price.currency, let amount = price.price else { return nil }
                    return CoinPrice.LocalPrice(currency: currency, minorUnits: amount, display: price.price_show_form)
                }
            )
        }.sorted { ($0.coins, $0.id) < ($1.coins, $1.id) }
    }
}
