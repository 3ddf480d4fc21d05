import Foundation

// Decodable mirrors of TikTok's JSON (protocol.md §1.2(b), §1.3–1.5, §2). Every field is optional: TikTok drops
// fields freely, and a missing field must surface as a clear error at the place it is needed, not as a
// decoding failure of the whole document. Ids above 2^53 are read from their `_str` twins only.

struct APILiveUserRoomResponse: Decodable {
    struct DataBody: Decodable {
        struct User: Decodable {
            var id: String?
            var uniqueId: String?
            var nickname: String?
            var secUid: String?
            var signature: String?
            var avatarLarger: String?
            var roomId: String?
            var status: Int?
        }
        struct Stats: Decodable {
            var followerCount: Int64?
            var followingCount: Int64?
        }
        struct LiveRoom: Decodable {
            struct Stats: Decodable {
                var userCount: Int64?
            }
            var status: Int?
            var title: String?
            var startTime: Int64?
            var liveRoomStats: Stats?
        }
        var user: User?
        var stats: Stats?
        var liveRoom: LiveRoom?
    }
    var statusCode: Int?
    var message: String?
    var data: DataBody?
}

struct RoomInfoResponse: Decodable {
    var data: WebcastRoom?
    var status_code: Int?
}

/// A room object as `room/info`, `room/info_by_user` and the feed carry it (protocol.md §1.4).
struct WebcastRoom: Decodable {
    struct Owner: Decodable {
        struct FollowInfo: Decodable {
            var follower_count: Int64?
        }
        var id_str: String?
        var display_id: String?
        var nickname: String?
        var follow_info: FollowInfo?
    }
    struct Stats: Decodable {
        var total_user: Int64?
        var like_count: Int64?
    }
    struct AgeRestricted: Decodable {
        var restricted: Bool?
    }
    var id_str: String?
    var status: Int?
    var title: String?
    var start_time: Int64?
    var create_time: Int64?
    var owner: Owner?
    var owner_user_id_str: String?
    var user_count: Int64?
    var like_count: Int64?
    var stats: Stats?
    var stream_id_str: String?
    var age_restricted: AgeRestricted?
    var stream_url: StreamURL?
    // Present on refusals instead of a room.
    var prompts: String?
    var message: String?

    /// The public value, or `nil` when this is not a room (no status).
    func roomInfo(fallbackID: String) -> RoomInfo? {
        guard let status = self.status else { return nil }
        return RoomInfo(
            id: self.id_str ?? fallbackID,
            status: status,
            title: self.title ?? "",
            ownerUniqueID: self.owner?.display_id ?? "",
            ownerNickname: self.owner?.nickname ?? "",
            startTime: self.start_time ?? self.create_time,
            variants: self.stream_url?.variants() ?? [],
            ownerID: self.owner?.id_str ?? self.owner_user_id_str,
            ownerFollowerCount: self.owner?.follow_info?.follower_count,
            viewerCount: self.user_count,
            totalViewerCount: self.stats?.total_user,
            likeCount: self.like_count ?? self.stats?.like_count,
            streamID: self.stream_id_str,
            isAgeRestricted: self.age_restricted?.restricted ?? false,
            defaultResolution: self.stream_url?.default_resolution
        )
    }
}

/// An envelope whose `data` is a list on success, and an object with a message on refusals (read as `nil`).
struct ListResponse<Element: Decodable>: Decodable {
    var data: [Element]?
    var status_code: Int?

    enum CodingKeys: String, CodingKey {
        case data, status_code
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.data = try? container.decodeIfPresent([Element].self, forKey: .data)
        self.status_code = try container.decodeIfPresent(Int.self, forKey: .status_code)
    }
}

/// `/webcast/room/check_alive/`.
typealias CheckAliveResponse = ListResponse<CheckAliveEntry>

struct CheckAliveEntry: Decodable {
    var alive: Bool?
    var room_id_str: String?
}

struct GiftListResponse: Decodable {
    struct Body: Decodable {
        struct Gift: Decodable {
            struct Image: Decodable {
                var url_list: [String]?
            }
            var id: Int64?
            var name: String?
            var diamond_count: Int64?
            var type: Int?
            var describe: String?
            var image: Image?
            var icon: Image?
        }
        var gifts: [Gift]?
        var message: String?
    }
    var data: Body?
    var status_code: Int?
}

/// The coin price list (`/webcast/wallet_api/fs/diamond`).
typealias CoinPriceResponse = ListResponse<CoinPackage>

struct CoinPackage: Decodable {
    struct CurrencyPrice: Decodable {
        var currency: String?
        var price: Int64?
        var price_show_form: String?
    }
    var id: Int64?
    var diamond_count: Int64?
    var price: Int64?
    var currency_price: [CurrencyPrice]?
}

struct FeedResponse: Decodable {
    struct Item: Decodable {
        var data: WebcastRoom?
        var rid: String?
        var live_reason: String?
        var type: Int?
    }
    struct Extra: Decodable {
        var has_more: Bool?
        var max_time: Int64?
    }
    /// What a refusal's `data` object says.
    struct Refusal: Decodable {
        var message: String?
        var prompts: String?
    }
    var data: [Item]?
    /// `data` when it is an object rather than the list: a refusal (`status_code` 10011 and the like).
    var refusal: Refusal?
    var extra: Extra?
    var status_code: Int?

    enum CodingKeys: String, CodingKey {
        case data, extra, status_code
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.data = try? container.decodeIfPresent([Item].self, forKey: .data)
        self.refusal = self.data == nil ? try? container.decodeIfPresent(Refusal.self, forKey: .data) : nil
        self.extra = try container.decodeIfPresent(Extra.self, forKey: .extra)
        self.status_code = try container.decodeIfPresent(Int.self, forKey: .status_code)
    }
}

/// `stream_url` of a room (protocol.md §2.1).
struct StreamURL: Decodable {
    struct CoreSDKData: Decodable {
        var pull_data: PullData?
    }
    var flv_pull_url: [String: String]?
    var flv_pull_url_params: [String: String]?
    var hls_pull_url: String?
    var hls_pull_url_params: String?
    var resolution_name: [String: String]?
    var default_resolution: String?
    var live_core_sdk_data: CoreSDKData?

    /// The `flv_pull_url` codes, best first.
    static let resolutionCodes = ["ORIGION", "FULL_HD1", "HD1", "SD2", "SD1"]

    /// Every variant: the `stream_data` qualities (best first), then `flv_pull_url` (best first), then `hls_pull_url`.
    func variants() -> [StreamVariant] {
        var variants = self.live_core_sdk_data?.pull_data?.variants() ?? []
        let decoder = JSONDecoder()
        let legacy = (self.flv_pull_url ?? [:]).compactMap { code, url -> StreamVariant? in
            guard !url.isEmpty else { return nil }
            let params = self.flv_pull_url_params?[code].flatMap { try? decoder.decode(SDKParams.self, from: Data($0.utf8)) }
            let rank = Self.resolutionCodes.firstIndex(of: code).map { Self.resolutionCodes.count - $0 } ?? 0
            return StreamVariant(
                sdkKey: code, name: self.resolution_name?[code] ?? code, level: rank, flvURL: url, hlsURL: nil,
                videoCodec: params?.VCodec, resolution: params?.resolution, videoBitrate: params?.vbitrate, source: .flvPullURL
            )
        }
        variants += legacy.sorted { ($0.level, $0.sdkKey) > ($1.level, $1.sdkKey) }
        if let hls = self.hls_pull_url, !hls.isEmpty {
            let params = self.hls_pull_url_params.flatMap { try? decoder.decode(SDKParams.self, from: Data($0.utf8)) }
            variants.append(
                StreamVariant(
                    sdkKey: "hls", name: params?.resolution.flatMap(Self.heightName) ?? "HLS", level: 0, flvURL: nil, hlsURL: hls,
                    videoCodec: params?.VCodec, resolution: params?.resolution, videoBitrate: params?.vbitrate, source: .hlsPullURL
                )
            )
        }
        return variants
    }

    /// `720p` for `1280x720`.
    static func heightName(_ resolution: String) -> String? {
        guard let separator = resolution.firstIndex(of: "x"), let height = Int(resolution[resolution.index(after: separator)...]) else {
            return nil
        }
        return "\(height)p"
    }
}

/// `live_core_sdk_data.pull_data`, also the `streamData.pull_data` of the live page (protocol.md §2.2).
struct PullData: Decodable {
    struct Options: Decodable {
        struct Quality: Decodable {
            var sdk_key: String?
            var name: String?
            var level: Int?
            var v_codec: String?
            var resolution: String?
        }
        var qualities: [Quality]?
    }
    var options: Options?
    /// JSON encoded as a string: `{"data": {sdk_key: {"main": {"flv", "hls", "sdk_params"}}}}`.
    var stream_data: String?

    /// Every quality in `stream_data`, best first; `ao` (audio only) last.
    func variants() -> [StreamVariant] {
        let decoder = JSONDecoder()
        let qualities = self.options?.qualities ?? []
        guard let text = self.stream_data, !text.isEmpty,
            let entries = (try? decoder.decode(StreamData.self, from: Data(text.utf8)))?.data
        else { return [] }
        return entries.compactMap { key, entry -> StreamVariant? in
            guard let main = entry.main else { return nil }
            let quality = qualities.first { $0.sdk_key == key }
            let params = main.sdk_params.flatMap { try? decoder.decode(SDKParams.self, from: Data($0.utf8)) }
            return StreamVariant(
                sdkKey: key, name: quality?.name ?? key,
                // `ao` (audio only) has no quality entry and must never win over a video variant.
                level: quality?.level ?? (key == "ao" ? -1 : 0),
                flvURL: main.flv.flatMap { $0.isEmpty ? nil : $0 },
                hlsURL: main.hls.flatMap { $0.isEmpty ? nil : $0 },
                videoCodec: (params?.VCodec).flatMap { $0.isEmpty ? nil : $0 } ?? quality?.v_codec.flatMap { $0.isEmpty ? nil : $0 },
                resolution: (params?.resolution).flatMap { $0.isEmpty ? nil : $0 } ?? quality?.resolution.flatMap { $0.isEmpty ? nil : $0 },
                videoBitrate: params?.vbitrate
            )
        }.sorted { ($0.level, $0.videoBitrate ?? 0, $0.sdkKey) > ($1.level, $1.videoBitrate ?? 0, $1.sdkKey) }
    }
}

/// The decoded `stream_data` string.
struct StreamData: Decodable {
    struct Entry: Decodable {
        struct Main: Decodable {
            var flv: String?
            var hls: String?
            var sdk_params: String?
        }
        var main: Main?
    }
    var data: [String: Entry]?
}

/// The decoded `sdk_params` string.
struct SDKParams: Decodable {
    var VCodec: String?
    var resolution: String?
    var vbitrate: Int?
}
