import Foundation
import LiveMedia

// The room object of room/info, info_by_user and the feed, with a quality ladder in `stream_url` (protocol.md §1.4, §2).

extension TikTokSimulator {
    /// One quality the simulated CDN offers. Every one serves the room's test stream at the room's picture size, in the
    /// codec its label says (``videoCodec``); the labelled resolution and bitrate are only labels.
    struct Rendition {
        var sdkKey: String
        var name: String
        var level: Int
        var codec: String
        var width: Int
        var height: Int
        var bitrate: Int
        /// The CDN file-name suffix (`_hd5`); empty for the original.
        var suffix: String
        /// The `flv_pull_url` resolution code, if the older map lists this quality.
        var legacyCode: String?
        /// Whether `stream_data` gives an HLS URL for it too.
        var hasHLS: Bool

        var resolution: String { "\(self.width)x\(self.height)" }
        /// The codec the CDN serves for it.
        var videoCodec: VideoConfiguration.Codec { self.codec == "h265" ? .hevc : .h264 }
        var sdkParams: String {
            Self.paramsText(codec: self.codec, resolution: self.resolution, bitrate: self.bitrate, suffix: self.suffix)
        }

        static func paramsText(codec: String, resolution: String, bitrate: Int, suffix: String) -> String {
            TikTokSimulator.jsonText([
                "VCodec": codec, "resolution": resolution, "vbitrate": bitrate,
                "stream_suffix": String(suffix.drop { $0 == "_" }), "gop": 2,
            ])
        }
    }

    /// The ladder of an H.264 room, best first: mostly H.264, with one HEVC rendition (as TikTok's 2025 rooms mix them).
    static let ladder: [Rendition] = [
        Rendition(
            sdkKey: "origin", name: "Original", level: 10, codec: "h264", width: 1920, height: 1080, bitrate: 6_000_000, suffix: "",
            legacyCode: "FULL_HD1", hasHLS: true
        ),
        Rendition(
            sdkKey: "hd_60", name: "720p60", level: 4, codec: "h265", width: 1280, height: 720, bitrate: 2_500_000, suffix: "_hd560",
            legacyCode: nil, hasHLS: true
        ),
        Rendition(
            sdkKey: "hd", name: "720p", level: 3, codec: "h264", width: 1280, height: 720, bitrate: 3_000_000, suffix: "_hd5",
            legacyCode: "HD1", hasHLS: false
        ),
        Rendition(
            sdkKey: "sd", name: "540p", level: 2, codec: "h264", width: 960, height: 540, bitrate: 1_500_000, suffix: "_sd5",
            legacyCode: "SD2", hasHLS: false
        ),
        Rendition(
            sdkKey: "ld", name: "360p", level: 1, codec: "h264", width: 640, height: 360, bitrate: 800_000, suffix: "_ld5",
            legacyCode: "SD1", hasHLS: false
        ),
    ]

    /// A room's ladder: ``ladder`` for an H.264 room; for an HEVC room every rendition in HEVC except 540p (`sd`),
    /// as in TikTok's 2025 rooms.
    /// Only the renditions the creator's `qualities` name are offered, when it names any.
    static func ladder(for room: SimulatedRoom) -> [Rendition] {
        var ladder = Self.ladder
        if let qualities = room.creator.qualities {
            ladder = ladder.filter { qualities.contains($0.sdkKey) }
        }
        guard room.creator.video.codec == .hevc else { return ladder }
        return ladder.map { rendition in
            var copy = rendition
            copy.codec = rendition.sdkKey == "sd" ? "h264" : "h265"
            return copy
        }
    }

    /// The rendition the CDN file-name `suffix` (`_hd5`, or empty for the original) names in `room`'s ladder.
    static func rendition(suffix: String, in room: SimulatedRoom) -> Rendition? {
        let suffix = suffix == "_or4" ? "" : suffix
        return Self.ladder(for: room).first { $0.suffix == suffix }
    }

    func roomJSON(_ room: SimulatedRoom, host: String) -> [String: Any] {
        let creator = room.creator
        let live = room.isOnAir
        var data: [String: Any] = [
            "id": room.roomID, "id_str": String(room.roomID), "status": room.status,
            "title": Self.liveTitle, "create_time": room.startTime, "start_time": room.startTime,
            "user_count": live ? Self.viewerCount : 0, "owner_user_id_str": String(creator.userID),
            "stream_id": room.streamID, "stream_id_str": String(room.streamID),
            "owner": [
                "id": creator.userID, "id_str": String(creator.userID), "display_id": creator.uniqueID,
                "nickname": creator.nickname, "sec_uid": Self.secUID(creator), "bio_description": "simulated creator",
                "follow_info": ["follower_count": Self.followerCount, "following_count": Self.followingCount],
            ],
            "stats": ["total_user": 654, "like_count": 0, "enter_count": 654],
            "like_count": 0,
            "age_restricted": ["restricted": false, "AgeInterval": 0, "source": 0],
            "stream_url_filtered_info": ["is_gated_room": false, "is_paid_event": false],
        ]
        data["stream_url"] = live ? self.streamURLJSON(room, host: host) : [String: Any]()
        return data
    }

    /// `stream_url`: `stream_data` with every rendition plus audio-only, the older `flv_pull_url` map, and an empty
    /// `hls_pull_url` (as some real rooms have, Recorder#227).
    func streamURLJSON(_ room: SimulatedRoom, host: String) -> [String: Any] {
        let urls = Self.renditionURLs(room, host: host)
        var flvPull: [String: String] = [:]
        var flvPullParams: [String: String] = [:]
        let ladder = Self.ladder(for: room)
        for rendition in ladder {
            guard let code = rendition.legacyCode else { continue }
            flvPull[code] = urls.flv[rendition.sdkKey]
            flvPullParams[code] = rendition.sdkParams
        }
        return [
            "candidate_resolution": ["SD1", "SD2", "HD1", "FULL_HD1"], "default_resolution": "SD2",
            "flv_pull_url": flvPull, "flv_pull_url_params": flvPullParams,
            "hls_pull_url": "", "hls_pull_url_map": [String: String](), "hls_pull_url_params": "",
            "rtmp_pull_url": urls.flv["origin"] ?? "", "rtmp_pull_url_params": ladder[0].sdkParams,
            "resolution_name": [
                "AUTO": "AUTO", "ORIGION": "Original", "FULL_HD1": "1080p", "HD1": "720p", "SD2": "540p", "SD1": "360p",
                "pm_mt_video_720p60": "720p60",
            ],
            "id": room.streamID, "id_str": String(room.streamID),
            "live_core_sdk_data": ["pull_data": self.pullDataJSON(room, host: host, urls: urls)],
            "stream_control_type": 0, "provider": 0, "push_urls": [String](),
            "extra": ["height": 1080, "width": 1920, "fps": 30, "bytevc1_enable": true],
        ]
    }

    /// `pull_data`: the quality options and the `stream_data` JSON string (protocol.md §2.2).
    func pullDataJSON(_ room: SimulatedRoom, host: String, urls: (flv: [String: String], hls: [String: String])? = nil) -> [String: Any] {
        let urls = urls ?? Self.renditionURLs(room, host: host)
        var entries: [String: Any] = [:]
        let ladder = Self.ladder(for: room)
        for rendition in ladder {
            entries[rendition.sdkKey] = [
                "main": [
                    "flv": urls.flv[rendition.sdkKey] ?? "", "hls": urls.hls[rendition.sdkKey] ?? "", "cmaf": "", "dash": "",
                    "lls": "", "tsl": "", "tile": "", "rtc": "", "sdk_params": rendition.sdkParams,
                ]
            ]
        }
        entries["ao"] = [
            "main": [
                "flv": urls.flv["ao"] ?? "", "hls": "", "cmaf": "", "dash": "", "lls": "", "tsl": "", "tile": "", "rtc": "",
                "sdk_params": Rendition.paramsText(codec: "", resolution: "", bitrate: 0, suffix: ""),
            ]
        ]
        let streamData: [String: Any] = [
            "common": ["session_id": "178-sim-\(room.streamID)", "user_count": Self.viewerCount, "peer_anchor_level": 1],
            "data": entries,
        ]
        let qualities = ladder.map { rendition -> [String: Any] in
            [
                "name": rendition.name, "sdk_key": rendition.sdkKey, "level": rendition.level, "icon_type": rendition.level,
                "resolution": rendition.resolution, "v_codec": rendition.codec,
            ]
        }
        return [
            "options": [
                "default_quality": ["name": "540p", "sdk_key": "sd", "level": 2, "icon_type": 2, "resolution": "", "v_codec": ""],
                "qualities": qualities, "show_quality_button": true,
            ],
            "stream_data": Self.jsonText(streamData),
        ]
    }

    /// Signed CDN URLs for every rendition (FLV) and those with HLS, keyed by `sdk_key`; `ao` is audio-only FLV.
    static func renditionURLs(_ room: SimulatedRoom, host: String) -> (flv: [String: String], hls: [String: String]) {
        let expire = Int64(Date().timeIntervalSince1970) + 14 * 24 * 3600
        func signature() -> String {
            String(format: "%016llx%016llx", UInt64.random(in: 0...UInt64.max), UInt64.random(in: 0...UInt64.max))
        }
        let base = "http://\(host)/game/stream-\(room.streamID)"
        var flv: [String: String] = [:]
        var hls: [String: String] = [:]
        for rendition in Self.ladder(for: room) {
            flv[rendition.sdkKey] = "\(base)\(rendition.suffix).flv?expire=\(expire)&sign=\(signature())"
            if rendition.hasHLS {
                hls[rendition.sdkKey] =
                    "\(base)\(rendition.suffix)/playlist.m3u8?expire=\(expire)&session_id=178-sim&sign=\(signature())"
            }
        }
        flv["ao"] = "\(base).flv?expire=\(expire)&sign=\(signature())&only_audio=1"
        return (flv, hls)
    }
}
