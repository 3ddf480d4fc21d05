import Foundation

// Decodable mirrors of TikTok's JSON (protocol.md §1.2(b), §1.4, §2). Every field is optional: TikTok drops
// fields freely, and a missing field must surface as a clear error at the place it is needed, not as a
// decoding failure of the whole document.

struct APILiveUserRoomResponse: Decodable {
    struct DataBody: Decodable {
        struct User: Decodable {
            var id: String?
            var uniqueId: String?
            var nickname: String?
            var roomId: String?
            var status: Int?
        }
        struct Stats: Decodable {
            var followerCount: Int64?
        }
        struct LiveRoom: Decodable {
            var status: Int?
            var title: String?
            var startTime: Int64?
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
    struct Room: Decodable {
        struct Owner: Decodable {
            var id_str: String?
            var display_id: String?
            var nickname: String?
        }
        var id_str: String?
        var status: Int?
        var title: String?
        var start_time: Int64?
        var create_time: Int64?
        var owner: Owner?
        var stream_url: StreamURL?
        var prompts: String?
        var message: String?
    }
    var data: Room?
    var status_code: Int?
}

struct StreamURL: Decodable {
    struct CoreSDKData: Decodable {
        struct PullData: Decodable {
            struct Options: Decodable {
                struct Quality: Decodable {
                    var sdk_key: String?
                    var name: String?
                    var level: Int?
                }
                var qualities: [Quality]?
            }
            var options: Options?
            /// JSON encoded as a string: `{"data": {sdk_key: {"main": {"flv", "hls", "sdk_params"}}}}`.
            var stream_data: String?
        }
        var pull_data: PullData?
    }
    var flv_pull_url: [String: String]?
    var hls_pull_url: String?
    var default_resolution: String?
    var live_core_sdk_data: CoreSDKData?
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

extension StreamURL {
    /// Every variant, from `stream_data` when present, else from `flv_pull_url`/`hls_pull_url`.
    func variants() -> [StreamVariant] {
        let decoder = JSONDecoder()
        let qualities = self.live_core_sdk_data?.pull_data?.options?.qualities ?? []
        if let text = self.live_core_sdk_data?.pull_data?.stream_data,
            let streamData = try? decoder.decode(StreamData.self, from: Data(text.utf8)),
            let entries = streamData.data, !entries.isEmpty
        {
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
                    videoCodec: params?.VCodec, resolution: params?.resolution, videoBitrate: params?.vbitrate
                )
            }.sorted { $0.level > $1.level }
        }
        // Older shape: resolution codes mapped to FLV URLs.
        let order = ["ORIGION", "FULL_HD1", "HD1", "SD2", "SD1"]
        var variants = (self.flv_pull_url ?? [:]).map { key, url in
            StreamVariant(
                sdkKey: key, name: key, level: order.count - (order.firstIndex(of: key) ?? order.count),
                flvURL: url, hlsURL: nil, videoCodec: nil, resolution: nil, videoBitrate: nil
            )
        }
        if let hls = self.hls_pull_url, !hls.isEmpty {
            variants.append(
                StreamVariant(
                    sdkKey: "hls", name: "HLS", level: -1, flvURL: nil, hlsURL: hls, videoCodec: nil,
                    resolution: nil, videoBitrate: nil
                )
            )
        }
        return variants.sorted { $0.level > $1.level }
    }
}
