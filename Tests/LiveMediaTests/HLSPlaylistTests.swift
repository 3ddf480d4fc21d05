import CLibAVShims
import CurlTransport
import Foundation
import Testing

@testable import LiveMedia

@Suite struct HLSPlaylistTests {
    @Test func aLiveMediaPlaylistListsItsSegmentsWithSequenceNumbersAndResolvedURLs() throws {
        let text = """
            #EXTM3U
            #EXT-X-VERSION:3
            #EXT-X-TARGETDURATION:2
            #EXT-X-MEDIA-SEQUENCE:1041
            #EXTINF:2.000,
            seg-1041.ts?sign=a
            #EXTINF:1.960,live
            /other/seg-1042.ts
            #EXT-X-DISCONTINUITY
            #EXTINF:2.0,
            https://cdn2.example/seg-1043.ts
            """
        let playlist = try HLSPlaylist.parse(text, url: "https://cdn.example/game/stream-1/playlist.m3u8?expire=9&sign=x")
        guard case .media(let media) = playlist else {
            Issue.record("not a media playlist")
            return
        }
        #expect(media.targetDuration == 2 && media.mediaSequence == 1041 && !media.hasEnded)
        #expect(media.segments.map(\.sequence) == [1041, 1042, 1043])
        #expect(
            media.segments.map(\.url) == [
                "https://cdn.example/game/stream-1/seg-1041.ts?sign=a", "https://cdn.example/other/seg-1042.ts",
                "https://cdn2.example/seg-1043.ts",
            ])
        #expect(media.segments.map(\.duration) == [2, 1.96, 2])
        #expect(media.segments.map(\.discontinuity) == [false, false, true])
    }

    @Test func aMasterPlaylistPicksTheHighestBandwidthVideoVariant() throws {
        let text = """
            #EXTM3U
            #EXT-X-STREAM-INF:BANDWIDTH=800000,RESOLUTION=640x360,CODECS="avc1.4d401e,mp4a.40.2"
            sd/index.m3u8
            #EXT-X-STREAM-INF:BANDWIDTH=9000000,CODECS="mp4a.40.2"
            audio/index.m3u8
            #EXT-X-STREAM-INF:BANDWIDTH=2400000,RESOLUTION=1280x720,CODECS="hvc1.1.6.L93.B0,mp4a.40.2"
            hd/index.m3u8
            """
        guard case .master(let variants) = try HLSPlaylist.parse(text, url: "http://h.example/live/master.m3u8") else {
            Issue.record("not a master playlist")
            return
        }
        #expect(variants.count == 3)
        #expect(variants[0].codecs == "avc1.4d401e,mp4a.40.2" && variants[0].resolution == "640x360")
        let best = try #require(HLSPlaylist.best(of: variants))
        #expect(best.url == "http://h.example/live/hd/index.m3u8" && best.bandwidth == 2_400_000)
    }

    @Test func anEndedPlaylistAndAnInitializationMapAreRead() throws {
        let text = "#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXT-X-MAP:URI=\"init.mp4\"\n#EXTINF:4,\na.m4s\n#EXT-X-ENDLIST\n"
        guard case .media(let media) = try HLSPlaylist.parse(text, url: "http://h.example/v/index.m3u8") else {
            Issue.record("not a media playlist")
            return
        }
        #expect(media.hasEnded && media.mediaSequence == 0)
        #expect(media.segments.first?.initializationURL == "http://h.example/v/init.mp4")
    }

    @Test func whatIsNotAPlaylistIsRefusedByNameWithoutItsQuery() {
        func failure(_ text: String) -> String {
            do {
                _ = try HLSPlaylist.parse(text, url: "https://cdn.example/p.m3u8?sign=secret")
                return "accepted"
            } catch { return error.description }
        }
        let html = failure("<html>403 Forbidden</html>")
        #expect(html.contains("#EXTM3U") && html.contains("https://cdn.example/p.m3u8") && !html.contains("secret"))
        #expect(failure("#EXTM3U\n#EXTINF:2,\na.ts\n").contains("TARGETDURATION"))
        #expect(failure("#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXT-X-KEY:METHOD=AES-128,URI=\"k\"\n").contains("AES-128"))
    }

    @Test func attributeListsKeepQuotedCommas() {
        let attributes = HLSPlaylist.attributes("BANDWIDTH=1,CODECS=\"avc1.64001f,mp4a.40.2\",NAME=x")
        #expect(attributes == ["BANDWIDTH": "1", "CODECS": "avc1.64001f,mp4a.40.2", "NAME": "x"])
    }
}
