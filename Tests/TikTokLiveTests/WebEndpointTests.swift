import CurlTransport
import Foundation
import Testing
import TikTokLive
import TikTokSimulator

extension WebAPITests {
    /// Each web and webcast endpoint's answer, as the client parses it from the simulator.
    @Suite struct EndpointTests {
        @Test func roomInfoOfALiveRoomHasHostCountersAndAFullQualityLadder() async throws {
            try await WebSimulator.with(WebSimulator.live) { _, client in
                let room = try await client.roomInfo(roomID: WebSimulator.roomID)
                #expect(room.id == WebSimulator.roomID)
                #expect(room.isLive)
                #expect(room.title == "Simulated live")
                #expect(room.ownerUniqueID == "sim_creator")
                #expect(room.ownerID == "6900000000000000001")
                #expect(room.ownerFollowerCount == 12345)
                #expect(room.viewerCount == 321)
                #expect(room.totalViewerCount == 654)
                #expect(room.streamID == "3000000000000000001")
                #expect(!room.isAgeRestricted)
                #expect((room.startTime ?? 0) > 1_700_000_000)

                let fromStreamData = room.variants.filter { $0.source == .streamData }
                #expect(fromStreamData.map(\.sdkKey) == ["origin", "hd_60", "hd", "sd", "ld", "ao"])
                for variant in fromStreamData where !variant.isAudioOnly {
                    #expect(variant.codec != nil, "\(variant.sdkKey) has no codec")
                    #expect(variant.height != nil, "\(variant.sdkKey) has no resolution")
                    #expect((variant.videoBitrate ?? 0) > 0, "\(variant.sdkKey) has no bitrate")
                    #expect(variant.flvURL?.contains("stream-3000000000000000001") == true)
                }
                #expect(fromStreamData.first { $0.sdkKey == "hd_60" }?.codec == .hevc)
                #expect(fromStreamData.first { $0.sdkKey == "hd" }?.resolution == "1280x720")
                #expect(fromStreamData.first { $0.sdkKey == "origin" }?.hlsURL != nil)
                #expect(fromStreamData.first { $0.sdkKey == "ld" }?.hlsURL == nil)
                // The older map, named through resolution_name; no hls_pull_url (it is empty, as for some real rooms).
                let legacy = room.variants.filter { $0.source == .flvPullURL }
                #expect(legacy.map(\.sdkKey) == ["FULL_HD1", "HD1", "SD2", "SD1"])
                #expect(legacy.map(\.name) == ["1080p", "720p", "540p", "360p"])
                #expect(!room.variants.contains { $0.source == .hlsPullURL })
            }
        }

        @Test func everyFLVURLOfTheLadderIsServedByTheCDN() async throws {
            try await WebSimulator.with(WebSimulator.live) { simulator, client in
                let room = try await client.roomInfo(roomID: WebSimulator.roomID)
                let urls = Set(room.variants.compactMap(\.flvURL))
                #expect(urls.count == 6)  // five qualities and audio only; flv_pull_url repeats four of them
                for url in urls {
                    #expect(try await Self.firstBytes(of: url) == Array("FLV".utf8), "\(CurlError.redact(url))")
                }
                #expect(simulator.groundTruth.servedStreams.count == urls.count)
            }
        }

        /// The first three bytes of a streaming response.
        static func firstBytes(of url: String) async throws -> [UInt8] {
            try await runOnDedicatedThread(name: "test-cdn-read") {
                let stop = StopSignal()
                var bytes: [UInt8] = []
                do {
                    _ = try CurlHTTPClient().stream(HTTPRequest(url: url, totalTimeout: .seconds(10)), stop: stop) { chunk in
                        bytes += chunk.prefix(3 - min(3, bytes.count))
                        if bytes.count >= 3 { stop.stop() }
                    }
                } catch let error as CurlError where error.kind == .cancelled {}
                return bytes
            }
        }

        @Test func roomInfoByUsernameIsTheSameRoom() async throws {
            try await WebSimulator.with(WebSimulator.live) { _, client in
                let byUser = try await client.roomInfo(username: "sim_creator")
                #expect(byUser.id == WebSimulator.roomID)
                #expect(byUser.isLive)
                #expect(byUser.ownerUniqueID == "sim_creator")
                let live = try await client.liveRoomInfo(username: "sim_creator")
                #expect(live.id == WebSimulator.roomID)
            }
        }

        @Test func batchedLiveCheckReportsEachKnownRoomByItsStringID() async throws {
            let scenario = SimulatorScenario(creators: [
                WebSimulator.liveCreator(),
                SimulatorScenario.Creator(
                    uniqueID: "quiet_creator", nickname: "Quiet", userID: 6_900_000_000_000_000_002, roomID: 7_300_000_000_000_000_002,
                    liveAfter: .seconds(3600), liveDuration: .seconds(60)
                ),
            ])
            try await WebSimulator.with(scenario) { _, client in
                // Ids differ only beyond 2^53: a Double would merge them.
                let unknown = "7300000000000000003"
                let alive = try await client.isLive(roomIDs: [WebSimulator.roomID, "7300000000000000002", unknown])
                #expect(alive == [WebSimulator.roomID: true, "7300000000000000002": false])
                #expect(try await client.isLive(roomID: WebSimulator.roomID))
                #expect(try await !client.isLive(roomID: "7300000000000000002"))
                #expect(try await client.isLive(roomIDs: []) == [:])
            }
        }

        @Test func giftCatalogueNamesAndPricesGifts() async throws {
            try await WebSimulator.with(WebSimulator.offline) { _, client in
                let gifts = try await client.giftCatalogue(roomID: WebSimulator.roomID)
                #expect(gifts.count == 8)
                let rose = try #require(gifts.first { $0.id == 5655 })
                #expect(rose.name == "Rose")
                #expect(rose.diamondCount == 1)
                #expect(rose.isStreakable)
                #expect(rose.imageURL?.hasSuffix("/5655.png") == true)
                let lion = try #require(gifts.first { $0.name == "Lion" })
                #expect(lion.diamondCount == 29_999)
                #expect(!lion.isStreakable)
            }
        }

        @Test func coinPriceListIsCheapestFirstWithLocalPrices() async throws {
            try await WebSimulator.with(WebSimulator.offline) { _, client in
                let prices = try await client.coinPrices()
                #expect(prices.count == 6)
                #expect(prices.map(\.coins) == prices.map(\.coins).sorted())
                let first = try #require(prices.first)
                #expect(first.coins == 70)
                #expect(first.usdCents == 74)
                #expect(first.localPrices.map(\.currency) == ["USD", "EUR"])
                #expect(first.localPrices.last?.minorUnits == 79)
                #expect(first.localPrices.last?.display == "€0.79")
            }
        }

        @Test func feedPagesUntilHasMoreIsFalseAndEachRoomCanBeLookedUp() async throws {
            let creators = (1...3).map { index in
                WebSimulator.liveCreator(
                    "feed_creator_\(index)", userID: 6_900_000_000_000_000_100 + Int64(index),
                    roomID: 7_300_000_000_000_000_100 + Int64(index)
                )
            }
            try await WebSimulator.with(SimulatorScenario(creators: creators)) { _, client in
                var pages: [LiveFeedPage] = []
                var maxTime: Int64?
                repeat {
                    let page = try await client.liveFeed(maxTime: maxTime)
                    pages.append(page)
                    maxTime = page.nextMaxTime
                    #expect(page.hasMore == (page.nextMaxTime != nil))
                } while maxTime != nil && pages.count < 10
                #expect(pages.count == 2)
                #expect(pages.last?.hasMore == false)
                let rooms = pages.flatMap(\.rooms)
                #expect(rooms.map(\.roomID) == creators.map { String($0.roomID) })
                #expect(rooms.map(\.ownerUniqueID) == creators.map(\.uniqueID))
                #expect(rooms.allSatisfy { $0.room.isLive && $0.liveReason != nil })
                // "Track this one": the feed's room id is all the room endpoints need.
                let picked = try #require(rooms.last)
                let room = try await client.roomInfo(roomID: picked.roomID)
                #expect(room.ownerUniqueID == picked.ownerUniqueID)
                #expect(StreamSelection.best(of: picked.room.variants) != nil)
            }
        }
    }
}
