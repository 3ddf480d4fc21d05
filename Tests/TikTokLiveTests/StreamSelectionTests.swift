import Foundation
import Testing
import TikTokSimulator

@testable import TikTokLive

/// Choosing a stream URL (protocol.md §2.2–2.3) on a hand-written `stream_url` shaped like TikTok's 2025 rooms.
@Suite struct StreamSelectionTests {
    /// All HEVC except one H.264 quality, HLS on top-level and in stream_data, the older map, and audio only.
    static let streamURLJSON = #"""
        {
          "candidate_resolution": ["SD1", "SD2", "HD1"],
          "default_resolution": "SD2",
          "flv_pull_url": {
            "HD1": "https://cdn.example/game/stream-1_hd5.flv?expire=1&sign=a",
            "SD1": "https://cdn.example/game/stream-1_ld5.flv?expire=1&sign=b",
            "SD2": "https://cdn.example/game/stream-1_sd5.flv?expire=1&sign=c"
          },
          "flv_pull_url_params": {
            "HD1": "{\"VCodec\":\"h265\",\"resolution\":\"1280x720\",\"vbitrate\":1600000}",
            "SD2": "{\"VCodec\":\"h265\",\"resolution\":\"960x540\",\"vbitrate\":900000}"
          },
          "hls_pull_url": "https://cdn.example/game/stream-1/playlist.m3u8?expire=1&sign=d",
          "hls_pull_url_params": "{\"VCodec\":\"h265\",\"resolution\":\"1920x1080\",\"vbitrate\":7600000}",
          "resolution_name": {"AUTO": "AUTO", "HD1": "720p", "SD1": "360p", "SD2": "540p", "ORIGION": "Original"},
          "live_core_sdk_data": {
            "pull_data": {
              "options": {
                "default_quality": {"level": 0, "name": "540p", "sdk_key": "sd"},
                "qualities": [
                  {"level": 10, "name": "Original", "sdk_key": "origin"},
                  {"level": 6, "name": "1080p60", "sdk_key": "uhd_60"},
                  {"level": 3, "name": "720p", "sdk_key": "hd"},
                  {"level": 2, "name": "540p", "sdk_key": "sd"},
                  {"level": 1, "name": "360p", "sdk_key": "ld"}
                ]
              },
              "stream_data": "{\"common\":{\"session_id\":\"178-x\"},\"data\":{\"origin\":{\"main\":{\"flv\":\"https://cdn.example/game/stream-1.flv?sign=e\",\"hls\":\"https://cdn.example/game/stream-1/index.m3u8?sign=f\",\"sdk_params\":\"{\\\"VCodec\\\":\\\"h265\\\",\\\"resolution\\\":\\\"1920x1080\\\",\\\"vbitrate\\\":7600000}\"}},\"uhd_60\":{\"main\":{\"flv\":\"https://cdn.example/game/stream-1_uhd560.flv?sign=g\",\"hls\":\"\",\"sdk_params\":\"{\\\"VCodec\\\":\\\"h265\\\",\\\"resolution\\\":\\\"1920x1080\\\",\\\"vbitrate\\\":5000000}\"}},\"hd\":{\"main\":{\"flv\":\"https://cdn.example/game/stream-1_hd5.flv?sign=h\",\"hls\":\"\",\"sdk_params\":\"{\\\"VCodec\\\":\\\"h265\\\",\\\"resolution\\\":\\\"1280x720\\\",\\\"vbitrate\\\":1600000}\"}},\"sd\":{\"main\":{\"flv\":\"https://cdn.example/game/stream-1_sd5.flv?sign=i\",\"hls\":\"\",\"sdk_params\":\"{\\\"VCodec\\\":\\\"h264\\\",\\\"resolution\\\":\\\"960x540\\\",\\\"vbitrate\\\":900000}\"}},\"ld\":{\"main\":{\"flv\":\"https://cdn.example/game/stream-1_ld5.flv?sign=j\",\"hls\":\"\",\"sdk_params\":\"{\\\"VCodec\\\":\\\"h265\\\",\\\"resolution\\\":\\\"640x360\\\",\\\"vbitrate\\\":500000}\"}},\"ao\":{\"main\":{\"flv\":\"https://cdn.example/game/stream-1.flv?sign=k&only_audio=1\",\"hls\":\"\",\"sdk_params\":\"{}\"}}}}"
            }
          }
        }
        """#

    static func variants(_ json: String = Self.streamURLJSON) throws -> [StreamVariant] {
        try JSONDecoder().decode(StreamURL.self, from: Data(json.utf8)).variants()
    }

    @Test func everyQualityIsListedWithCodecResolutionAndBitrate() throws {
        let variants = try Self.variants()
        let streamData = variants.filter { $0.source == .streamData }
        #expect(streamData.map(\.sdkKey) == ["origin", "uhd_60", "hd", "sd", "ld", "ao"])
        #expect(streamData.map(\.name) == ["Original", "1080p60", "720p", "540p", "360p", "ao"])
        #expect(streamData[0].codec == .hevc)
        #expect(streamData[0].resolution == "1920x1080")
        #expect(streamData[0].videoBitrate == 7_600_000)
        #expect(streamData[3].codec == .h264)
        #expect(streamData[5].isAudioOnly)
        #expect(variants.filter { $0.source == .flvPullURL }.map(\.sdkKey) == ["HD1", "SD2", "SD1"])
        let hls = try #require(variants.first { $0.source == .hlsPullURL })
        #expect(hls.name == "1080p")
        #expect(hls.codec == .hevc)
    }

    @Test func bestTakesTheHighestLevelOverFLV() throws {
        let choice = try #require(StreamSelection.best(of: try Self.variants()))
        #expect(choice.variant.sdkKey == "origin")
        #expect(choice.format == .flv)
        #expect(choice.url == "https://cdn.example/game/stream-1.flv?sign=e")
        #expect(choice.reason == "Original (origin, h265 1920x1080, 7.6 Mbit/s) over HTTP-FLV: the best quality")
    }

    @Test func preferringACodecTakesTheBestQualityInIt() throws {
        let h264 = try #require(StreamSelection.select(from: try Self.variants(), policy: .init(preferredCodec: .h264)))
        #expect(h264.variant.sdkKey == "sd")
        #expect(h264.reason.hasSuffix("the best quality in H.264, as preferred"))
        let hevc = try #require(StreamSelection.select(from: try Self.variants(), policy: .init(preferredCodec: .hevc)))
        #expect(hevc.variant.sdkKey == "origin")
    }

    @Test func preferredCodecThatIsMissingIsSaidAndIgnored() throws {
        let allHEVC = try Self.variants().filter { $0.codec != .h264 }
        let choice = try #require(StreamSelection.select(from: allHEVC, policy: .init(preferredCodec: .h264)))
        #expect(choice.variant.sdkKey == "origin")
        #expect(choice.reason.contains("H.264 was preferred but is not offered"))
    }

    @Test func namedQualityMatchesKeyNameOrResolution() throws {
        let variants = try Self.variants()
        for (wanted, key) in [("720p", "hd"), ("HD", "hd"), ("1280x720", "hd"), ("original", "origin"), ("1080p60", "uhd_60")] {
            let choice = try #require(StreamSelection.select(from: variants, policy: .init(quality: .named(wanted))))
            #expect(choice.variant.sdkKey == key, "\(wanted)")
            #expect(choice.reason.hasSuffix("\(wanted) as asked"), "\(choice.reason)")
        }
    }

    @Test func missingNamedQualityTakesTheNearestLowerAndSaysSo() throws {
        let variants = try Self.variants()
        let choice = try #require(StreamSelection.select(from: variants, policy: .init(quality: .named("480p"))))
        #expect(choice.variant.sdkKey == "ld")
        #expect(choice.reason.contains("480p is not offered (offered: Original, 1080p60, 720p, 540p, 360p); took the nearest lower"))
        let tiny = try #require(StreamSelection.select(from: variants, policy: .init(quality: .named("144p"))))
        #expect(tiny.variant.sdkKey == "ld")
        #expect(tiny.reason.contains("nothing lower is; took the lowest"))
        let unnamed = try #require(StreamSelection.select(from: variants, policy: .init(quality: .named("ultra"))))
        #expect(unnamed.variant.sdkKey == "origin")
        #expect(unnamed.reason.contains("ultra is not offered"))
    }

    @Test func withoutStreamDataFLVTheOlderMapIsUsedThenHLS() throws {
        let noStreamDataFLV = try Self.variants().map { variant in
            var copy = variant
            if copy.source == .streamData { copy.flvURL = nil }
            return copy
        }
        let legacy = try #require(StreamSelection.best(of: noStreamDataFLV))
        #expect(legacy.variant.sdkKey == "HD1")
        #expect(legacy.format == .flv)
        #expect(legacy.reason.contains("from flv_pull_url"))
        #expect(legacy.reason.contains("stream_data lists no HTTP-FLV URL"))

        let noFLV = noStreamDataFLV.filter { $0.source != .flvPullURL }
        let hls = try #require(StreamSelection.best(of: noFLV))
        #expect(hls.format == .hls)
        #expect(hls.variant.sdkKey == "origin")
        #expect(hls.url == "https://cdn.example/game/stream-1/index.m3u8?sign=f")
        #expect(hls.reason.hasSuffix("the best quality; no variant offers HTTP-FLV"))

        let onlyTopLevelHLS = noFLV.map { variant in
            var copy = variant
            if copy.source == .streamData { copy.hlsURL = nil }
            return copy
        }
        let topLevel = try #require(StreamSelection.best(of: onlyTopLevelHLS))
        #expect(topLevel.url == "https://cdn.example/game/stream-1/playlist.m3u8?expire=1&sign=d")
        #expect(topLevel.variant.source == .hlsPullURL)
    }

    @Test func formatsCanBeRestrictedAndNothingPlayableIsNil() throws {
        let variants = try Self.variants()
        let hlsOnly = try #require(StreamSelection.select(from: variants, policy: .init(formats: [.hls])))
        #expect(hlsOnly.format == .hls)
        #expect(StreamSelection.best(of: []) == nil)
        let audioOnly = variants.filter(\.isAudioOnly)
        let audio = try #require(StreamSelection.best(of: audioOnly))
        #expect(audio.reason.hasSuffix("only audio is offered"))
        #expect(StreamSelection.select(from: audioOnly, policy: .init(formats: [.hls])) == nil)
    }
}

extension WebAPITests {
    /// The selection policy on the simulator's room info.
    @Suite struct SimulatorStreamSelectionTests {
        @Test func policiesPickFromTheSimulatorsLadder() async throws {
            try await WebSimulator.with(WebSimulator.live) { _, client in
                let variants = try await client.roomInfo(roomID: WebSimulator.roomID).variants

                let best = try #require(StreamSelection.best(of: variants))
                #expect(best.variant.sdkKey == "origin")
                #expect(best.format == .flv)
                #expect(best.reason == "Original (origin, h264 1920x1080, 6.0 Mbit/s) over HTTP-FLV: the best quality")

                let hevc = try #require(StreamSelection.select(from: variants, policy: .init(preferredCodec: .hevc)))
                #expect(hevc.variant.sdkKey == "hd_60")
                #expect(hevc.reason == "720p60 (hd_60, h265 1280x720, 2.5 Mbit/s) over HTTP-FLV: the best quality in HEVC, as preferred")
                let h264 = try #require(StreamSelection.select(from: variants, policy: .init(preferredCodec: .h264)))
                #expect(h264.variant.sdkKey == "origin")

                let named = try #require(StreamSelection.select(from: variants, policy: .init(quality: .named("540p"))))
                #expect(named.variant.sdkKey == "sd")
                #expect(named.url.contains("_sd5.flv"))
                let nearest = try #require(
                    StreamSelection.select(from: variants, policy: .init(quality: .named("480p"), preferredCodec: .h264)))
                #expect(nearest.variant.sdkKey == "ld")

                // FLV gone: HLS, where the simulator offers it (hls_pull_url itself is empty).
                let withoutFLV = variants.map { variant in
                    var copy = variant
                    copy.flvURL = nil
                    return copy
                }
                let hls = try #require(StreamSelection.best(of: withoutFLV))
                #expect(hls.format == .hls)
                #expect(hls.variant.sdkKey == "origin")
                #expect(hls.reason.contains("no variant offers HTTP-FLV"))
                let hlsHEVC = try #require(StreamSelection.select(from: withoutFLV, policy: .init(preferredCodec: .hevc)))
                #expect(hlsHEVC.variant.sdkKey == "hd_60")
            }
        }
    }
}
